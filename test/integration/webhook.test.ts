import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFalWireJson } from '../../dev/fal-emulator/wire-json.ts';
import { remainingMs } from '../../functions/core/deadline.ts';
import type { Job } from '../../functions/core/domain/job.ts';
import { createWebhookVerifier } from '../../functions/core/fal/webhook-signature.ts';
import { createFalWebhookApp } from '../../functions/fal-webhook/app.ts';
import { falSigner } from '../support/fal-signing.ts';
import { jobQuiet } from '../support/job-quiet.ts';
import { messagesAbout } from '../support/queue-messages.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';
import { waitUntil } from '../support/wait-for.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

describe('fal webhook: only authentic deliveries for the job’s request change anything', () => {
  const signer = falSigner();
  /** Signed for the operator's fal account (the local stack pins the emulator's). */
  const sign = (body: Uint8Array, options: Parameters<typeof signer.headers>[1]) =>
    signer.headers(body, { userId: stack.emulator?.userId, ...options });
  let app: ReturnType<typeof createFalWebhookApp>;
  let verifyFalWebhook: ReturnType<typeof createWebhookVerifier>;
  beforeAll(() => {
    const jwks = (async () => Response.json({ keys: [signer.jwk] })) as typeof fetch;
    verifyFalWebhook = createWebhookVerifier({ jwksUrl: 'https://jwks.test', fetch: jwks });
    app = createFalWebhookApp({ ...stack.deps, verifyFalWebhook });
  });

  /** A job fal accepted whose own webhook the emulator drops, so the test speaks for fal. */
  async function submittedJob(): Promise<Job> {
    const video = await stack.createVideo({ prompt: 'deliveries [fal:drop_webhook]', seconds: '4' });
    await stack.waitForJob(video.id, ['submitted']);
    // its video.in_progress event settled: nothing else writes the job while a test compares it
    return stack.waitForEventTaken(video.id);
  }

  function okBody(requestId: string, url = 'https://v3b.fal.media/files/b/x/output.mp4') {
    return Buffer.from(
      toFalWireJson({
        error: null,
        gateway_request_id: requestId,
        payload: {
          seed: 17454220438242315174n,
          video: { content_type: 'video/mp4', file_name: 'output.mp4', file_size: null, url },
        },
        request_id: requestId,
        status: 'OK',
      }),
    );
  }

  function deliver(job: Job, body: Buffer, headers: Record<string, string>, token = job.webhookToken) {
    return app.request(`/webhooks/fal?job=${job.id}&token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: new Uint8Array(body),
    });
  }

  async function expectRejectedUnchanged(job: Job, response: Response) {
    expect(response.status).toBe(401);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.json()).toMatchObject({ error: { code: 'webhook_rejected' } });
    expect(await stack.job(job.id)).toEqual(job);
  }

  it('rejects a delivery without signature headers', async () => {
    const job = await submittedJob();
    await expectRejectedUnchanged(job, await deliver(job, okBody(job.requestId as string), {}));
  });

  it('rejects a body changed after signing', async () => {
    const job = await submittedJob();
    const body = okBody(job.requestId as string);
    const headers = sign(body, { requestId: job.requestId as string });
    const forged = okBody(job.requestId as string, 'https://attacker.example/evil.mp4');
    await expectRejectedUnchanged(job, await deliver(job, forged, headers));
  });

  it('rejects a stale timestamp', async () => {
    const job = await submittedJob();
    const body = okBody(job.requestId as string);
    const headers = sign(body, {
      requestId: job.requestId as string,
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    await expectRejectedUnchanged(job, await deliver(job, body, headers));
  });

  it('rejects a wrong job token', async () => {
    const job = await submittedJob();
    const body = okBody(job.requestId as string);
    const headers = sign(body, { requestId: job.requestId as string });
    await expectRejectedUnchanged(job, await deliver(job, body, headers, 'not-the-token'));
  });

  const ORPHAN = '01a20000-0000-7000-8000-000000000000';

  it('acknowledges a signed failure of a request the job never recorded, and changes nothing', async () => {
    const job = await submittedJob();
    const body = Buffer.from(
      toFalWireJson({
        error: 'Invalid status code: 500',
        gateway_request_id: ORPHAN,
        payload: { detail: 'Internal server error' },
        request_id: ORPHAN,
        status: 'ERROR',
      }),
    );
    const response = await deliver(job, body, sign(body, { requestId: ORPHAN }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, applied: 'ignored' });
    expect(await stack.job(job.id)).toEqual(job);
  });

  it('adopts the video of a request the job never recorded, where a submit’s answer was lost, and cancels the one it waited on', async () => {
    const submitted = await submittedJob();
    // an earlier submit of this job got no answer: fal may have run it, and its video is ours
    const job = { ...submitted, openSubmits: 1, version: submitted.version + 1 };
    expect(await stack.deps.jobs.save(job)).toBe(true);
    const cancels = stack.emulator?.stats().cancels ?? 0;
    const body = okBody(ORPHAN);
    const response = await deliver(job, body, sign(body, { requestId: ORPHAN }));
    expect(await response.json()).toEqual({ received: true, applied: 'generated' });
    expect(await stack.job(job.id)).toMatchObject({
      state: 'generated',
      requestId: ORPHAN,
      priorRequestIds: [job.requestId],
    });
    // the request it waited on is cancelled (unless fal had already finished it)
    expect((stack.emulator?.stats().cancels ?? 0) - cancels).toBe(1);
    expect(['cancelled', 'ok']).toContain(stack.emulator?.request(job.requestId as string)?.outcome);
  });

  it('captures a delivery under no deadline: its job store calls keep their own limits (no AsyncLocalStorage hook)', async () => {
    const job = await submittedJob();
    const requestId = job.requestId as string;
    // the same function, its job store recording the deadline each call runs under
    const seen: (number | undefined)[] = [];
    const jobs = new Proxy(stack.deps.jobs, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          seen.push(remainingMs());
          return value.apply(target, args);
        };
      },
    });
    const recording = createFalWebhookApp({ ...stack.deps, jobs, verifyFalWebhook });
    const body = okBody(requestId);
    const response = await recording.request(
      `/webhooks/fal?job=${job.id}&token=${encodeURIComponent(job.webhookToken)}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...sign(body, { requestId }) },
        body: new Uint8Array(body),
      },
    );
    expect(await response.json()).toEqual({ received: true, applied: 'generated' });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((left) => left !== undefined)).toEqual([]);
  });

  it('applies an authentic delivery once; a duplicate is a 200 no-op', async () => {
    const job = await submittedJob();
    const requestId = job.requestId as string;
    const body = okBody(requestId);
    const first = await deliver(job, body, sign(body, { requestId }));
    expect(first.status).toBe(200);
    // the function's own app, as on Lambda: nosniff and JSON on its answers, as on its errors
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await first.json()).toEqual({ received: true, applied: 'generated' });
    const generated = await stack.job(job.id);
    expect(generated).toMatchObject({ state: 'generated', outputSeed: '17454220438242315174' });

    const again = await deliver(job, body, sign(body, { requestId }));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, applied: 'ignored' });
  });
});

describe('fal webhook: what the emulator’s real deliveries do', () => {
  it('duplicated deliveries, even concurrent, archive once', async () => {
    const before = stack.emulator?.stats();
    const video = await stack.createVideo({ prompt: 'twice [fal:duplicate_webhook]', seconds: '4' });
    const job = await stack.waitForJob(video.id, ['completed']);
    stack.emulator?.injectFault({
      on: 'webhook',
      mode: 'concurrent_duplicate',
      match: { promptIncludes: 'at once' },
    });
    const second = await stack.waitForJob((await stack.createVideo({ prompt: 'at once', seconds: '4' })).id, [
      'completed',
    ]);
    await stack.queue.drained();
    const after = stack.emulator?.stats();
    expect((after?.webhooksDelivered ?? 0) - (before?.webhooksDelivered ?? 0)).toBe(4);
    expect((after?.cdnDownloads ?? 0) - (before?.cdnDownloads ?? 0)).toBe(2);
    expect([job.archiveAttempts, second.archiveAttempts]).toEqual([1, 1]);
  });

  it('a webhook that arrives before the submit call returns finds its job and completes it', async () => {
    stack.emulator?.injectFault({
      on: 'webhook',
      mode: 'before_submit_response',
      match: { promptIncludes: 'early bird' },
    });
    const video = await stack.createVideo({ prompt: 'early bird', seconds: '4' });
    const job = await stack.waitForJob(video.id, ['completed']);
    expect(job.submitAttempts).toBe(1);
    expect(stack.emulator?.request(job.requestId as string)?.webhook?.deliveries).toBe(1);
  });

  it('a delivery delayed past the job’s completion by polling changes nothing', async () => {
    // the delay must outlast a reconcile pass over this file's earlier jobs, which now also hand on their slots
    stack.emulator?.injectFault({ on: 'webhook', delayMs: 5_000, match: { promptIncludes: 'slow mail' } });
    const video = await stack.createVideo({ prompt: 'slow mail', seconds: '4' });
    const submitted = await stack.waitForJob(video.id, ['submitted']);
    const requestId = submitted.requestId as string;
    await waitUntil(() => stack.emulator?.request(requestId)?.state === 'COMPLETED', 5_000, 'fal to finish');
    stack.advance(10 * 60_000);
    await stack.reconcile();
    const completed = await stack.waitForEnd(video.id);
    // completed by polling before fal even tried to deliver
    expect(stack.emulator?.request(requestId)?.webhook).toMatchObject({ attempts: 0, delivered: false });
    const sent = messagesAbout(stack, video.id);
    // then the delivery comes, is answered, and all it set off is done: it changed nothing and sent nothing
    await jobQuiet(stack, video.id);
    expect(stack.emulator?.webhookAttempts(requestId).map((attempt) => attempt.status)).toEqual([200]);
    expect(await stack.job(video.id)).toEqual(completed);
    expect(messagesAbout(stack, video.id)).toEqual(sent);
  });
});
