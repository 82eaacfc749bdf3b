import { afterEach, describe, expect, it } from 'vitest';
import { falFetch, submitOk, submitRaw, waitForCompletion } from '../support/fal-calls.ts';
import { SEEDANCE_T2V, useTestEmulator } from '../support/fal-emulator.ts';
import { type Receiver, startReceiver } from '../support/webhook-receiver.ts';

describe('HTTP control surface and prompt directives', () => {
  const emulator = useTestEmulator();
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  const postFault = (fault: unknown) =>
    fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(fault),
    });

  it('injects a fault with POST /_emulator/faults', async () => {
    expect((await postFault({ on: 'submit', status: 502 })).status).toBe(204);
    expect((await submitRaw(emulator, SEEDANCE_T2V, { prompt: 'x' })).status).toBe(502);
  });

  it('rejects an invalid fault with 400 and zod issues', async () => {
    const response = await postFault({ on: 'generation', error: 'not_a_real_error' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: unknown[] }).detail.length).toBeGreaterThan(0);
  });

  it('clears faults with DELETE /_emulator/faults', async () => {
    await postFault({ on: 'submit', status: 500, times: 5 });
    expect((await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await submitRaw(emulator, SEEDANCE_T2V, { prompt: 'x' })).status).toBe(200);
  });

  it('reports stats with GET /_emulator/stats', async () => {
    const stats = (await (await fetch(`${emulator.url}/_emulator/stats`)).json()) as Record<string, unknown>;
    expect(stats).toEqual(emulator.stats());
    expect(stats).toMatchObject({ submits: expect.any(Number), submitsByEndpoint: expect.any(Object) });
    expect(Object.keys(stats).sort()).toEqual(
      [
        'cancels',
        'cdnDownloads',
        'rejectedSubmits',
        'resultCalls',
        'statusCalls',
        'submits',
        'submitsByEndpoint',
        'runs',
        'enhancements',
        'uploads',
        'webhookAttempts',
        'webhooksDelivered',
      ].sort(),
    );
  });

  it('[fal:content_policy_violation] flags that request only', async () => {
    const flagged = await submitOk(emulator, SEEDANCE_T2V, {
      prompt: 'a cat [fal:content_policy_violation]',
    });
    const clean = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'a cat' });
    expect((await waitForCompletion(emulator, flagged.request_id)).outcome).toBe('error');
    expect((await waitForCompletion(emulator, clean.request_id)).outcome).toBe('ok');
    const result = await falFetch(flagged.response_url);
    expect(result.status).toBe(422);
  });

  it.each([
    ['generation_timeout', 504],
    ['internal_server_error', 500],
  ])('[fal:%s] fails the result with %i', async (name, status) => {
    const { request_id, response_url } = await submitOk(emulator, SEEDANCE_T2V, {
      prompt: `x [fal:${name}]`,
    });
    await waitForCompletion(emulator, request_id);
    expect((await falFetch(response_url)).status).toBe(status);
  });

  it('[fal:payload_error], [fal:drop_webhook] and [fal:duplicate_webhook] shape the webhook', async () => {
    receiver = await startReceiver();
    const payload = await submitOk(emulator, SEEDANCE_T2V, { prompt: '[fal:payload_error]' }, receiver.url);
    const dropped = await submitOk(emulator, SEEDANCE_T2V, { prompt: '[fal:drop_webhook]' }, receiver.url);
    const doubled = await submitOk(
      emulator,
      SEEDANCE_T2V,
      { prompt: '[fal:duplicate_webhook]' },
      receiver.url,
    );
    await waitForCompletion(emulator, dropped.request_id);
    const deliveries = await receiver.waitFor(3);
    const ids = deliveries.map((d) => d.headers['x-fal-webhook-request-id']);
    expect(ids.filter((id) => id === doubled.request_id)).toHaveLength(2);
    expect(ids).not.toContain(dropped.request_id);
    const payloadBody = deliveries.find((d) => d.headers['x-fal-webhook-request-id'] === payload.request_id);
    expect(JSON.parse(payloadBody?.body.toString() ?? '{}')).toMatchObject({ status: 'OK', payload: null });
  });

  it.each([
    ['cdn_500', 500],
    ['cdn_expired', 404],
  ])('[fal:%s] fails the first download of that video only', async (name, status) => {
    const { request_id } = await submitOk(emulator, SEEDANCE_T2V, { prompt: `x [fal:${name}]` });
    const url = (await waitForCompletion(emulator, request_id)).videoUrl ?? '';
    expect((await fetch(url)).status).toBe(status);
    expect((await fetch(url)).status).toBe(200);
  });

  it('[fal:cdn_truncate] and [fal:cdn_slow] bind to the request', async () => {
    const truncated = await submitOk(emulator, SEEDANCE_T2V, { prompt: '[fal:cdn_truncate]' });
    const slow = await submitOk(emulator, SEEDANCE_T2V, { prompt: '[fal:cdn_slow]' });
    expect(emulator.request(truncated.request_id)?.faults.cdn).toEqual(['truncate']);
    expect(emulator.request(slow.request_id)?.faults.cdn).toEqual(['slow']);
    const url = (await waitForCompletion(emulator, truncated.request_id)).videoUrl ?? '';
    const failed = await fetch(url)
      .then((r) => r.arrayBuffer())
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(Error);
  });

  it('shows a request over HTTP at /_emulator/requests/:id', async () => {
    const { request_id } = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'inspect' });
    await waitForCompletion(emulator, request_id);
    const view = (await (await fetch(`${emulator.url}/_emulator/requests/${request_id}`)).json()) as Record<
      string,
      unknown
    >;
    expect(view).toMatchObject({ requestId: request_id, state: 'COMPLETED', outcome: 'ok' });
  });
});
