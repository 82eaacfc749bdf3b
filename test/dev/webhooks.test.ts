import { parse } from 'lossless-json';
import { afterEach, describe, expect, it } from 'vitest';
import { toFalWireJson } from '../../dev/fal-emulator/wire-json.ts';
import { submitOk, waitForCompletion } from '../support/fal-calls.ts';
import { SEEDANCE_T2V, useTestEmulator } from '../support/fal-emulator.ts';
import { waitUntil } from '../support/wait-for.ts';
import { type Receiver, startReceiver, verifyDelivery } from '../support/webhook-receiver.ts';

describe('webhook deliveries', () => {
  const emulator = useTestEmulator({ userId: 'user-under-test' });
  let receiver: Receiver;
  afterEach(() => receiver?.close());

  it('signs a wire-format success body that verifies against the served JWKS', async () => {
    receiver = await startReceiver();
    const { request_id } = await submitOk(
      emulator,
      SEEDANCE_T2V,
      { prompt: 'café ☕ at noon' },
      receiver.url,
    );
    const [delivery] = await receiver.waitFor(1);
    if (!delivery) throw new Error('no delivery');
    expect(await verifyDelivery(delivery, emulator.jwksUrl)).toBe(true);
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['x-fal-webhook-request-id']).toBe(request_id);
    expect(delivery.headers['x-fal-webhook-user-id']).toBe('user-under-test');
    expect(delivery.headers['x-fal-webhook-signature']).toMatch(/^[0-9a-f]{128}$/);

    const text = delivery.body.toString('utf8');
    // Wire format: re-serialising the parsed body in fal's form gives back the same bytes.
    expect(toFalWireJson(parse(text))).toBe(text);
    expect(text.startsWith('{"error": null, "gateway_request_id": ')).toBe(true);
    const body = parse(text) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'OK', request_id, gateway_request_id: request_id });
    const payload = body.payload as { seed: { value: string }; video: Record<string, unknown> };
    expect(BigInt(payload.seed.value)).toBe(emulator.request(request_id)?.seed);
    expect(Object.keys(payload.video)).toEqual(['content_type', 'file_name', 'file_size', 'url']);
    expect(payload.video.url).toBe(emulator.request(request_id)?.videoUrl);
    const stats = emulator.stats();
    expect(stats.webhookAttempts).toBe(1);
    expect(stats.webhooksDelivered).toBe(1);
  });

  it('tampering with the body breaks the signature', async () => {
    receiver = await startReceiver();
    await submitOk(emulator, SEEDANCE_T2V, { prompt: 'tamper' }, receiver.url);
    const [delivery] = await receiver.waitFor(1);
    if (!delivery) throw new Error('no delivery');
    const forged = { ...delivery, body: Buffer.from(delivery.body.toString().replace('"OK"', '"ERROR"')) };
    expect(await verifyDelivery(forged, emulator.jwksUrl)).toBe(false);
  });

  it('retries after non-2xx answers with identical, freshly signed bodies', async () => {
    receiver = await startReceiver((n) => (n < 2 ? 503 : 204));
    const { request_id } = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'retry me' }, receiver.url);
    const deliveries = await receiver.waitFor(3);
    await waitUntil(() => emulator.request(request_id)?.webhook?.delivered === true);
    expect(new Set(deliveries.map((d) => d.body.toString())).size).toBe(1);
    for (const delivery of deliveries) expect(await verifyDelivery(delivery, emulator.jwksUrl)).toBe(true);
    expect(emulator.request(request_id)?.webhook).toMatchObject({
      attempts: 3,
      failures: 2,
      delivered: true,
    });
  });

  it('gives up after the last retry delay', async () => {
    receiver = await startReceiver(() => 500);
    const { request_id } = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'never accepted' }, receiver.url);
    await waitUntil(() => emulator.request(request_id)?.webhook?.givenUp === true);
    // One attempt plus one per configured retry delay (FAST has two).
    expect(receiver.deliveries).toHaveLength(3);
    expect(emulator.request(request_id)?.webhook?.delivered).toBe(false);
  });

  it('retries after a network failure', async () => {
    receiver = await startReceiver();
    const deadUrl = `${receiver.url.replace(/:\d+\//, ':1/')}`;
    const { request_id } = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'unreachable' }, deadUrl);
    await waitUntil(() => emulator.request(request_id)?.webhook?.givenUp === true);
    expect(emulator.request(request_id)?.webhook?.attempts).toBe(3);
  });

  it('sends no webhook when none was asked for', async () => {
    const { request_id } = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'polling only' });
    const request = await waitForCompletion(emulator, request_id);
    expect(request.webhook).toBeNull();
  });
});
