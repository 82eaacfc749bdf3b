import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookVerifier } from '../../functions/core/fal/webhook-signature.ts';
import { createFalWebhookApp } from '../../functions/fal-webhook/app.ts';
import { falSigner } from '../support/fal-signing.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

/** GET /metrics, as `npm start` serves it: series → value. */
async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(`${stack.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
  const series = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return series;
}

/** How much each series grew while `run` ran (series that did not move are left out). */
async function growth(run: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = await scrape();
  await run();
  const after = await scrape();
  const grew: Record<string, number> = {};
  for (const [name, value] of after) {
    const delta = value - (before.get(name) ?? 0);
    if (delta !== 0) grew[name] = delta;
  }
  return grew;
}

describe('GET /metrics (locally) shows what CloudWatch gets on AWS', () => {
  it('a video that completes: one job ended completed, fal calls by kind with their latency, the archive’s bytes, time and queue wait', async () => {
    const grew = await growth(async () => {
      const video = await stack.createVideo({ prompt: 'a quiet harbour', seconds: '4' });
      await stack.settle(video.id);
      // the archiver counts its copy after the completing write: wait for its run to end
      await stack.queue.drained();
    });
    expect(grew).toMatchObject({
      'reelay_jobs_ended_total{code="completed"}': 1,
      reelay_jobs_finished_total: 1,
      'reelay_fal_calls_total{kind="submit"}': 1,
      'reelay_fal_latency_milliseconds_count{kind="submit"}': 1,
      reelay_archived_bytes_count: 1,
      reelay_archive_duration_milliseconds_count: 1,
      reelay_archive_queue_age_milliseconds_count: 1,
    });
    expect(grew.reelay_archived_bytes_sum).toBeGreaterThan(0);
    expect(grew['reelay_fal_latency_milliseconds_sum{kind="submit"}']).toBeGreaterThan(0);
    expect(Object.keys(grew).filter((name) => name.includes('error'))).toEqual([]);
  });

  it('fal refusing submits: a fal call error of kind submit, and the job ended by its code', async () => {
    stack.emulator?.injectFault({ on: 'submit', balanceExhausted: true, times: 1 });
    const grew = await growth(async () => {
      const video = await stack.createVideo({ prompt: 'a broke studio', seconds: '4' });
      expect((await stack.settle(video.id)).error?.code).toBe('provider_balance_exhausted');
    });
    expect(grew).toMatchObject({
      'reelay_fal_call_errors_total{kind="submit"}': 1,
      'reelay_fal_calls_total{kind="submit"}': 1,
      'reelay_jobs_ended_total{code="provider_balance_exhausted"}': 1,
      reelay_jobs_finished_total: 1,
    });
    stack.emulator?.clearFaults();
  });

  it('a lost webhook: the reconciler’s findings (overdue webhook polled, finished by polling)', async () => {
    const video = await stack.createVideo({ prompt: 'unheard [fal:drop_webhook]', seconds: '4' });
    const submitted = await stack.waitForJob(video.id, ['submitted']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const grew = await growth(async () => {
      stack.advance(submitted.typicalGenerationMs + stack.deps.policy.webhookGraceMs + 1);
      await stack.reconcile();
      await stack.settle(video.id);
    });
    expect(grew).toMatchObject({
      'reelay_reconciler_findings_total{finding="polled"}': 1,
      'reelay_reconciler_findings_total{finding="finishedByPolling"}': 1,
      'reelay_fal_calls_total{kind="status"}': 1,
      'reelay_fal_calls_total{kind="result"}': 1,
      'reelay_jobs_ended_total{code="completed"}': 1,
    });
  });

  it('webhook rejections by reason: no signature, a wrong token', async () => {
    const signer = falSigner();
    const jwks = (async () => Response.json({ keys: [signer.jwk] })) as typeof fetch;
    const app = createFalWebhookApp({
      ...stack.deps,
      verifyFalWebhook: createWebhookVerifier({ jwksUrl: 'https://jwks.test', fetch: jwks }),
    });
    const video = await stack.createVideo({ prompt: 'knock knock [fal:drop_webhook]', seconds: '4' });
    const job = await stack.waitForJob(video.id, ['submitted']);
    const requestId = job.requestId as string;
    const body = Buffer.from(JSON.stringify({ request_id: requestId, status: 'OK', payload: {} }));
    const post = (headers: Record<string, string>, token: string) =>
      app.request(`/webhooks/fal?job=${job.id}&token=${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: new Uint8Array(body),
      });
    const grew = await growth(async () => {
      expect((await post({}, job.webhookToken)).status).toBe(401);
      expect((await post(signer.headers(body, { requestId }), 'wrong')).status).toBe(401);
    });
    expect(grew).toEqual({
      'reelay_webhook_rejections_total{reason="signature"}': 1,
      'reelay_webhook_rejections_total{reason="token"}': 1,
    });
    // ended here, so the next test counts only its own timeout
    expect((await stack.api(`/v1/videos/${job.id}`, { method: 'DELETE' })).status).toBe(200);
  });

  it('a job past its maximum age: ended with code timeout (the alarm that fires on any)', async () => {
    const video = await stack.createVideo({
      prompt: 'never heard of again [fal:drop_webhook]',
      seconds: '4',
    });
    await stack.waitForJob(video.id, ['submitted']);
    const grew = await growth(async () => {
      stack.advance(stack.deps.policy.maxJobAgeMs + 1);
      await stack.reconcile();
      expect((await stack.job(video.id)).error?.code).toBe('timeout');
    });
    expect(grew).toMatchObject({
      'reelay_jobs_ended_total{code="timeout"}': 1,
      'reelay_reconciler_findings_total{finding="timedOut"}': 1,
    });
  });

  it('takes no input: junk in the query is ignored, other methods are a 404 in the error envelope, nothing changes', async () => {
    const before = await scrape();
    const junk = await fetch(`${stack.url}/metrics?name=%00%27%20OR%201%3D1&format=json`);
    expect(junk.status).toBe(200);
    expect(await junk.text()).toMatch(/^# TYPE reelay_/);
    for (const method of ['POST', 'DELETE', 'PUT']) {
      const response = await fetch(`${stack.url}/metrics`, {
        method,
        body: method === 'DELETE' ? null : '{}',
      });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        error: { code: expect.any(String), message: expect.any(String) },
      });
    }
    expect(await scrape()).toEqual(before);
  });
});
