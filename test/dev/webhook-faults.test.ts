import { afterEach, describe, expect, it } from 'vitest';
import { submitOk, waitForCompletion } from '../support/fal-calls.ts';
import { SEEDANCE_T2V, useTestEmulator } from '../support/fal-emulator.ts';
import { waitUntil } from '../support/wait-for.ts';
import { type Receiver, startReceiver, verifyDelivery } from '../support/webhook-receiver.ts';

describe('webhook faults', () => {
  const emulator = useTestEmulator();
  let receiver: Receiver;
  afterEach(() => receiver?.close());

  it('drop: never sends, the request still completes', async () => {
    receiver = await startReceiver();
    emulator.injectFault({ on: 'webhook', mode: 'drop' });
    const { request_id } = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'lost' }, receiver.url);
    const request = await waitForCompletion(emulator, request_id);
    expect(request.outcome).toBe('ok');
    // the drop is decided as the request completes, and nothing is left pending: no later attempt can come
    expect(request.webhook).toMatchObject({ dropped: true, attempts: 0, nextAttemptAt: null });
    expect(emulator.webhookAttempts(request_id)).toEqual([]);
    expect(receiver.deliveries).toHaveLength(0);
  });

  it('duplicate: the same body arrives twice, one after the other', async () => {
    receiver = await startReceiver();
    emulator.injectFault({ on: 'webhook', mode: 'duplicate' });
    await submitOk(emulator, SEEDANCE_T2V, { prompt: 'twice' }, receiver.url);
    const [first, second] = await receiver.waitFor(2);
    expect(first?.body.equals(second?.body ?? Buffer.alloc(0))).toBe(true);
    expect(first?.headers['x-fal-webhook-request-id']).toBe(second?.headers['x-fal-webhook-request-id']);
  });

  it('concurrent_duplicate: two deliveries in flight at once, both valid', async () => {
    // Neither delivery is answered until both have arrived: sequential sending would time out instead.
    receiver = await startReceiver(undefined, (deliveries) => deliveries.length >= 2);
    emulator.injectFault({ on: 'webhook', mode: 'concurrent_duplicate' });
    const { request_id } = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'race' }, receiver.url);
    const deliveries = await receiver.waitFor(2);
    for (const delivery of deliveries) expect(await verifyDelivery(delivery, emulator.jwksUrl)).toBe(true);
    expect(deliveries[0]?.body.equals(deliveries[1]?.body ?? Buffer.alloc(0))).toBe(true);
    await waitUntil(() => emulator.request(request_id)?.webhook?.delivered === true);
    expect(emulator.request(request_id)?.webhook).toMatchObject({ attempts: 2, deliveries: 2, failures: 0 });
  });

  it('before_submit_response: the completed webhook arrives before the submit answer', async () => {
    receiver = await startReceiver();
    emulator.injectFault({ on: 'webhook', mode: 'before_submit_response' });
    const { request_id } = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'early' }, receiver.url);
    // Already delivered when submit returned.
    expect(receiver.deliveries).toHaveLength(1);
    expect(receiver.deliveries[0]?.headers['x-fal-webhook-request-id']).toBe(request_id);
    expect(emulator.request(request_id)?.state).toBe('COMPLETED');
  });

  it('delayMs: holds the first delivery back', async () => {
    receiver = await startReceiver();
    emulator.injectFault({ on: 'webhook', delayMs: 300 });
    const { request_id } = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'late' }, receiver.url);
    const request = await waitForCompletion(emulator, request_id);
    expect(receiver.deliveries).toHaveLength(0);
    const [delivery] = await receiver.waitFor(1);
    expect((delivery?.receivedAt ?? 0) - (request.completedAt ?? 0)).toBeGreaterThanOrEqual(250);
  });

  it('a cancel while running ends the request with an ERROR 499 webhook; a queued cancel sends none', async () => {
    receiver = await startReceiver();
    emulator.setGenerationMs(2_000);
    const running = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'running' }, receiver.url);
    await waitUntil(() => emulator.request(running.request_id)?.state === 'IN_PROGRESS');
    const queued = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'queued' }, receiver.url);
    emulator.setGenerationMs(80);
    const headers = { Authorization: 'Key k' };
    expect((await fetch(queued.cancel_url, { method: 'PUT', headers })).status).toBe(202);
    expect((await fetch(running.cancel_url, { method: 'PUT', headers })).status).toBe(202);
    const [delivery] = await receiver.waitFor(1);
    expect(JSON.parse(delivery?.body.toString() ?? '{}')).toMatchObject({
      request_id: running.request_id,
      status: 'ERROR',
      error: 'Invalid status code: 499',
      payload: { error_type: 'client_cancelled' },
    });
    const result = await fetch(queued.response_url, { headers });
    expect(result.status).toBe(499);
    expect(result.headers.get('x-fal-error-type')).toBe('client_cancelled');
    // the queued request ended without a webhook to send (none is pending, so none can come late);
    // the running one's was delivered once, and that is all the receiver got
    expect(emulator.request(queued.request_id)).toMatchObject({ state: 'COMPLETED', webhook: null });
    await waitUntil(() => emulator.request(running.request_id)?.webhook?.delivered === true);
    expect(emulator.request(running.request_id)?.webhook).toMatchObject({ attempts: 1, nextAttemptAt: null });
    expect(emulator.webhookAttempts(queued.request_id)).toEqual([]);
    expect(emulator.webhookAttempts(running.request_id).map((a) => a.status)).toEqual([200]);
    expect(receiver.deliveries).toHaveLength(1);
  });
});
