import OpenAI from 'openai';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../dev/webhook-receiver.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

let stack: TestStack;
let receiver: Receiver;
let openai: OpenAI;

beforeAll(async () => {
  stack = await startTestStack({ env: { REELAY_WEBHOOK_RETRY_SCHEDULE: '0.05,0.1,0.1' } });
  receiver = await startReceiver();
  openai = new OpenAI({ apiKey: stack.apiKey, baseURL: `${stack.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await stack.close();
  await receiver.close();
});

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function createEndpoint(path: string, eventTypes = ['video.completed', 'video.failed']) {
  const response = await stack.api(
    '/v1/webhook_endpoints',
    json({ url: `${receiver.url}${path}`, name: path, event_types: eventTypes }),
  );
  expect(response.status).toBe(200);
  return (await response.json()) as { id: string; signing_secret: string; signing_secret_hint: string };
}

const headersOf = (received: { headers: Record<string, unknown> }) =>
  Object.fromEntries(
    ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [
      name,
      String(received.headers[name]),
    ]),
  );

describe('client webhooks: delivery to a real receiver', () => {
  it('delivers video.completed, verified by standardwebhooks and by openai’s unwrap; tampered or stale fail both', async () => {
    const endpoint = await createEndpoint('/completed', ['video.completed']);
    expect(endpoint.id).toMatch(/^whe_[0-9a-f]{32}$/);
    expect(endpoint.signing_secret).toMatch(/^whsec_/);
    const video = await stack.createVideo({ prompt: 'a kite over a beach', seconds: '4' });
    await stack.settle(video.id);
    const [delivery] = await receiver.waitFor('/completed', 1);
    if (!delivery) throw new Error('no delivery');
    const headers = headersOf(delivery);
    const event = JSON.parse(delivery.body);
    expect(event).toEqual({
      id: headers['webhook-id'],
      object: 'event',
      created_at: expect.any(Number),
      type: 'video.completed',
      data: { id: video.id },
    });
    expect(new Webhook(endpoint.signing_secret).verify(delivery.body, headers)).toEqual(event);
    expect(await openai.webhooks.unwrap(delivery.body, headers, endpoint.signing_secret)).toEqual(event);

    // one character changed (an id that already ends in 0 gets a 1)
    const tampered = delivery.body.replace(
      video.id,
      `${video.id.slice(0, -1)}${video.id.endsWith('0') ? '1' : '0'}`,
    );
    expect(() => new Webhook(endpoint.signing_secret).verify(tampered, headers)).toThrow();
    await expect(openai.webhooks.unwrap(tampered, headers, endpoint.signing_secret)).rejects.toThrow();
    const stale = { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 600) };
    expect(() => new Webhook(endpoint.signing_secret).verify(delivery.body, stale)).toThrow();
    await expect(openai.webhooks.unwrap(delivery.body, stale, endpoint.signing_secret)).rejects.toThrow();

    const deliveries = await (await stack.api(`/v1/webhook_endpoints/${endpoint.id}/deliveries`)).json();
    expect(deliveries.data).toEqual([
      expect.objectContaining({
        object: 'webhook_delivery',
        event_id: event.id,
        event_type: 'video.completed',
        video_id: video.id,
        attempt: 1,
        status_code: 200,
        error: null,
        next_retry_at: null,
      }),
    ]);
  });

  it('delivers video.failed to endpoints subscribed to it, and nothing to those that are not', async () => {
    const failed = await createEndpoint('/failed', ['video.failed']);
    const video = await stack.createVideo({ prompt: 'flagged [fal:content_policy_violation]', seconds: '4' });
    await stack.waitForJob(video.id, ['failed']);
    const [delivery] = await receiver.waitFor('/failed', 1);
    if (!delivery) throw new Error('no delivery');
    const event = await openai.webhooks.unwrap(delivery.body, headersOf(delivery), failed.signing_secret);
    expect(event).toMatchObject({ type: 'video.failed', data: { id: video.id } });
    await stack.eventQueue.drained();
    // the video.completed-only endpoint of the first test heard nothing of this one
    expect(receiver.at('/completed').filter((r) => r.body.includes(video.id))).toEqual([]);
  });

  it('retries a failing receiver with one webhook-id until it answers 2xx', async () => {
    receiver.answer = (n, request) => ({ status: request.path === '/flaky' && n < 2 ? 503 : 200 });
    const endpoint = await createEndpoint('/flaky', ['video.completed']);
    const video = await stack.createVideo({ prompt: 'a lighthouse at dusk', seconds: '4' });
    await stack.settle(video.id);
    const attempts = await receiver.waitFor('/flaky', 3);
    expect(new Set(attempts.map((r) => r.headers['webhook-id'])).size).toBe(1);
    await stack.eventQueue.drained();
    expect(receiver.at('/flaky')).toHaveLength(3);
    const deliveries = await (await stack.api(`/v1/webhook_endpoints/${endpoint.id}/deliveries`)).json();
    expect(deliveries.data.map((d: { status_code: number }) => d.status_code)).toEqual([200, 503, 503]);
    expect(deliveries.data[1].next_retry_at).toEqual(expect.any(Number));
  });

  it('a 410 disables the endpoint: no retry, no further events', async () => {
    receiver.answer = (_, request) => ({ status: request.path === '/gone' ? 410 : 200 });
    const endpoint = await createEndpoint('/gone', ['video.completed']);
    const first = await stack.createVideo({ prompt: 'a red door', seconds: '4' });
    await stack.settle(first.id);
    await receiver.waitFor('/gone', 1);
    await stack.eventQueue.drained();
    const retrieved = await (await stack.api(`/v1/webhook_endpoints/${endpoint.id}`)).json();
    expect(retrieved).toMatchObject({
      disabled_at: expect.any(Number),
      disabled_reason: expect.stringContaining('410'),
    });
    const second = await stack.createVideo({ prompt: 'a blue door', seconds: '4' });
    await stack.settle(second.id);
    await stack.eventQueue.drained();
    expect(receiver.at('/gone')).toHaveLength(1);
  });

  it('follows no redirect: a 3xx is a failed attempt and the target hears nothing', async () => {
    receiver.answer = (_, request) =>
      request.path === '/moved' ? { status: 302, location: `${receiver.url}/target` } : { status: 200 };
    const endpoint = await createEndpoint('/moved', ['video.completed']);
    const video = await stack.createVideo({ prompt: 'a moving van', seconds: '4' });
    await stack.settle(video.id);
    await receiver.waitFor('/moved', 4);
    await stack.eventQueue.drained();
    expect(receiver.at('/target')).toEqual([]);
    const deliveries = await (await stack.api(`/v1/webhook_endpoints/${endpoint.id}/deliveries`)).json();
    expect(deliveries.data.map((d: { status_code: number }) => d.status_code)).toEqual([302, 302, 302, 302]);
    // all attempts spent: the event went to the dead-letter queue
    expect(stack.eventQueue.deadLetterMessages().map((m) => JSON.parse(m.body))).toContainEqual({
      jobId: video.id,
      revive: true,
    });
  });

  it('`test` sends a sample event now and reports the answer', async () => {
    receiver.answer = () => ({ status: 200 });
    const endpoint = await createEndpoint('/sample', ['video.completed']);
    const result = await openai.webhooks.test(endpoint.id, { event_type: 'video.failed' });
    expect(result).toEqual({
      object: 'webhook_endpoint.test',
      webhook_endpoint_id: endpoint.id,
      event_type: 'video.failed',
      status_code: 200,
      success: true,
    });
    const [sample] = receiver.at('/sample');
    if (!sample) throw new Error('no sample');
    expect(new Webhook(endpoint.signing_secret).verify(sample.body, headersOf(sample))).toMatchObject({
      type: 'video.failed',
    });
  });

  it('rotation with overlap signs with both secrets; without it the old secret stops verifying', async () => {
    const endpoint = await createEndpoint('/rotate', ['video.completed']);
    const rotated = await openai.webhooks.rotateSecret(endpoint.id, {
      keep_old_secret_active_for_24_hours: true,
    });
    expect(rotated.signing_secret).not.toBe(endpoint.signing_secret);
    await openai.webhooks.test(endpoint.id, { event_type: 'video.completed' });
    const [overlap] = receiver.at('/rotate');
    if (!overlap) throw new Error('no delivery');
    expect(String(overlap.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [endpoint.signing_secret, rotated.signing_secret])
      await expect(openai.webhooks.unwrap(overlap.body, headersOf(overlap), secret)).resolves.toBeDefined();

    const again = await openai.webhooks.rotateSecret(endpoint.id);
    await openai.webhooks.test(endpoint.id, { event_type: 'video.completed' });
    const after = receiver.at('/rotate')[1];
    if (!after) throw new Error('no delivery');
    await expect(
      openai.webhooks.unwrap(after.body, headersOf(after), again.signing_secret),
    ).resolves.toBeDefined();
    await expect(
      openai.webhooks.unwrap(after.body, headersOf(after), rotated.signing_secret),
    ).rejects.toThrow();
  });

  it('a video’s callback_url gets the same event, signed with the tenant’s callback secret, and the video shows it', async () => {
    receiver.answer = () => ({ status: 200 });
    const video = await stack.createVideo({
      prompt: 'a tram in fog',
      seconds: '4',
      callback_url: `${receiver.url}/callback`,
    });
    expect(video.callback).toMatchObject({ status: 'waiting', attempts: 0 });
    await stack.settle(video.id);
    const [delivery] = await receiver.waitFor('/callback', 1);
    if (!delivery) throw new Error('no delivery');
    const { signing_secret } = await (await stack.api('/v1/callback_secret')).json();
    expect(new Webhook(signing_secret).verify(delivery.body, headersOf(delivery))).toMatchObject({
      type: 'video.completed',
      data: { id: video.id },
    });
    await stack.eventQueue.drained();
    const shown = await (await stack.api(`/v1/videos/${video.id}`)).json();
    expect(shown.callback).toMatchObject({ status: 'delivered', attempts: 1, last_status_code: 200 });
  });
});

describe('an endpoint that fails for days', () => {
  it('is disabled and says why; its failing streak starts at the first failure', async () => {
    receiver.answer = (_, request) => ({ status: request.path === '/broken' ? 500 : 200 });
    const endpoint = await createEndpoint('/broken', ['video.completed']);
    const first = await stack.createVideo({ prompt: 'a broken bell', seconds: '4' });
    await stack.settle(first.id);
    await receiver.waitFor('/broken', 4);
    await stack.eventQueue.drained();
    expect((await stack.deps.webhooks.getEndpoint(endpoint.id))?.failingSince).toEqual(expect.any(Number));
    stack.advance(5 * 86_400_000);
    const second = await stack.createVideo({ prompt: 'a second bell', seconds: '4' });
    await stack.settle(second.id);
    await receiver.waitFor('/broken', 5);
    await stack.eventQueue.drained();
    const retrieved = await (await stack.api(`/v1/webhook_endpoints/${endpoint.id}`)).json();
    expect(retrieved).toMatchObject({
      disabled_at: expect.any(Number),
      disabled_reason: expect.stringContaining('5 days'),
    });
  });
});
