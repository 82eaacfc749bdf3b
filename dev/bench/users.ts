import { performance } from 'node:perf_hooks';

export interface UserOutcome {
  ok: boolean;
  /** Arrival to having the finished video (or to failing). */
  ms: number;
  /** Requests the user made. */
  requests: number;
  failure?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function call(url: string, init: RequestInit, limitMs: number): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(limitMs) });
}

/** A user of the synchronous pattern: one request that answers with the video. */
export async function syncUser(baseUrl: string, i: number, limitMs: number): Promise<UserOutcome> {
  const started = performance.now();
  const ms = () => performance.now() - started;
  try {
    const response = await call(
      `${baseUrl}/videos`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: `a red fox in fresh snow, user ${i}` }),
      },
      limitMs,
    );
    await response.arrayBuffer();
    return response.ok
      ? { ok: true, ms: ms(), requests: 1 }
      : { ok: false, ms: ms(), requests: 1, failure: `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, ms: ms(), requests: 1, failure: error instanceof Error ? error.name : String(error) };
  }
}

/** A Reelay user: create, then poll every `pollMs` (as README's openai SDK loop does) until the video is done. */
export async function reelayUser(
  baseUrl: string,
  apiKey: string,
  i: number,
  options: { pollMs: number; limitMs: number; deadlineMs: number },
): Promise<UserOutcome> {
  const started = performance.now();
  const ms = () => performance.now() - started;
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  let requests = 0;
  const fail = (failure: string): UserOutcome => ({ ok: false, ms: ms(), requests, failure });
  try {
    requests++;
    const created = await call(
      `${baseUrl}/v1/videos`,
      {
        method: 'POST',
        headers,
        body: JSON.stringify({ prompt: `a red fox in fresh snow, user ${i}`, seconds: '5' }),
      },
      options.limitMs,
    );
    if (!created.ok) return fail(`create HTTP ${created.status}`);
    let video = (await created.json()) as { id: string; status: string };
    while (video.status === 'queued' || video.status === 'in_progress') {
      if (ms() > options.deadlineMs) return fail('video not done by the deadline');
      await sleep(options.pollMs);
      requests++;
      const polled = await call(`${baseUrl}/v1/videos/${video.id}`, { headers }, options.limitMs);
      if (!polled.ok) return fail(`poll HTTP ${polled.status}`);
      video = (await polled.json()) as typeof video;
    }
    return video.status === 'completed' ? { ok: true, ms: ms(), requests } : fail(`video ${video.status}`);
  } catch (error) {
    return fail(error instanceof Error ? error.name : String(error));
  }
}
