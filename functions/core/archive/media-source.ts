import { Readable } from 'node:stream';

/** The media URL answered that the file is gone (fal's URLs expire): retrying the same URL cannot help. */
export class MediaGoneError extends Error {
  constructor(url: string, status: number) {
    super(`media at ${new URL(url).host} answered ${status}: the file is gone`);
    this.name = 'MediaGoneError';
  }
}

/** A media URL (or a redirect) failed the host rule or the address check: fetching it can never be right. */
export class MediaRefusedError extends Error {
  constructor(url: string, reason: string) {
    super(`media URL refused (${url.slice(0, 200)}): ${reason}`);
    this.name = 'MediaRefusedError';
  }
}

/** Throws MediaRefusedError unless `url` may be fetched; run on the first URL and every redirect. */
export type MediaUrlCheck = (url: string) => Promise<void>;

/** Redirects followed at most; each is checked as the first URL was. */
const MAX_REDIRECTS = 5;

export interface MediaStream {
  body: Readable;
  contentLength?: number;
  contentType?: string;
}

/** Follows redirects by hand, checking each location before anything is sent to it. */
async function fetchChecked(url: string, check: MediaUrlCheck, signal: AbortSignal): Promise<Response> {
  let current = url;
  for (let hop = 0; ; hop++) {
    await check(current);
    const response = await fetch(current, { signal, redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || location === null) return response;
    await response.body?.cancel();
    if (hop === MAX_REDIRECTS) throw new Error(`media redirected more than ${MAX_REDIRECTS} times`);
    current = new URL(location, current).href;
  }
}

/**
 * Opens a download stream of a URL `check` allows (redirects included); the timeout bounds the wait
 * for headers and stalls between chunks.
 */
export async function openMedia(
  url: string,
  options: { check: MediaUrlCheck; stallTimeoutMs?: number },
): Promise<MediaStream> {
  const stallMs = options.stallTimeoutMs ?? 30_000;
  const abort = new AbortController();
  let timer = setTimeout(
    () => abort.abort(new Error(`no data from ${new URL(url).host} for ${stallMs} ms`)),
    stallMs,
  );
  const rearm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => abort.abort(new Error(`download stalled for ${stallMs} ms`)), stallMs);
  };
  let response: Response;
  try {
    response = await fetchChecked(url, options.check, abort.signal);
  } catch (error) {
    clearTimeout(timer);
    throw error;
  }
  if (response.status === 403 || response.status === 404 || response.status === 410) {
    clearTimeout(timer);
    throw new MediaGoneError(url, response.status);
  }
  if (!response.ok || !response.body) {
    clearTimeout(timer);
    throw new Error(`media download answered ${response.status}`);
  }
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', rearm);
  body.once('close', () => clearTimeout(timer));
  const length = response.headers.get('content-length');
  return {
    body,
    ...(length !== null && /^\d+$/.test(length) && { contentLength: Number(length) }),
    ...(response.headers.get('content-type') && {
      contentType: response.headers.get('content-type') ?? undefined,
    }),
  };
}
