import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFalWireJson } from '../../dev/fal-emulator/wire-json.ts';
import type { Job } from '../../functions/core/domain/job.ts';
import { createWebhookVerifier } from '../../functions/core/fal/webhook-signature.ts';
import { createFalWebhookApp } from '../../functions/fal-webhook/app.ts';
import { falSigner } from '../support/fal-signing.ts';
import { startJwksServer } from '../support/jwks-server.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

const HOUR = 3_600_000;
let stack: TestStack;
let jwks: Awaited<ReturnType<typeof startJwksServer>>;
const signer = falSigner();
beforeAll(async () => {
  stack = await startTestStack();
  jwks = await startJwksServer(() => [signer.jwk]);
});
afterAll(async () => {
  await jwks.close();
  await stack.close();
});

describe('fal webhook while fal’s JWKS is down', () => {
  const clock = { now: Date.now() };
  let app: ReturnType<typeof createFalWebhookApp>;
  beforeAll(() => {
    app = createFalWebhookApp({
      ...stack.deps,
      verifyFalWebhook: createWebhookVerifier({
        jwksUrl: jwks.url,
        cacheTtlMs: HOUR,
        maxAgeMs: 6 * HOUR,
        now: () => clock.now,
      }),
    });
  });

  async function submittedJob(): Promise<Job> {
    const video = await stack.createVideo({ prompt: 'keys [fal:drop_webhook]', seconds: '4' });
    await stack.waitForJob(video.id, ['submitted']);
    // its video.in_progress event settled: nothing else writes the job while a test compares it
    return stack.waitForEventTaken(video.id);
  }

  function deliver(job: Job) {
    const requestId = job.requestId as string;
    const body = Buffer.from(
      toFalWireJson({
        error: null,
        gateway_request_id: requestId,
        payload: { video: { content_type: 'video/mp4', url: 'https://v3b.fal.media/files/b/x/output.mp4' } },
        request_id: requestId,
        status: 'OK',
      }),
    );
    // signed for the operator's account (the stack pins the emulator's)
    const userId = stack.emulator?.userId;
    const headers = signer.headers(body, { requestId, userId, timestamp: Math.floor(clock.now / 1000) });
    return app.request(`/webhooks/fal?job=${job.id}&token=${encodeURIComponent(job.webhookToken)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: new Uint8Array(body),
    });
  }

  it('past the cache lifetime, deliveries are still verified and applied with the last good keys', async () => {
    const first = await submittedJob();
    expect((await deliver(first)).status).toBe(200);
    await jwks.set('down');
    clock.now += 2 * HOUR;
    const second = await submittedJob();
    const response = await deliver(second);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, applied: 'generated' });
    expect((await stack.job(second.id)).state).toBe('generated');
  });

  it('past the bound, a delivery is a 503 in the envelope (fal retries it) and changes nothing', async () => {
    clock.now += 5 * HOUR;
    const job = await submittedJob();
    const response = await deliver(job);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('60');
    expect(await response.json()).toMatchObject({ error: { code: 'webhook_keys_unavailable' } });
    expect(await stack.job(job.id)).toEqual(job);
    // the JWKS answers again: fal's retry goes through
    await jwks.set('up');
    clock.now += 60_000;
    expect((await deliver(job)).status).toBe(200);
    expect((await stack.job(job.id)).state).toBe('generated');
  });
});
