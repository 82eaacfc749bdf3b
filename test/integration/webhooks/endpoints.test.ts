import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../../dev/webhook-receiver.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

const OTHER_KEY = 'rly_other_tenant_key_000000';
let stack: TestStack;
let receiver: Receiver;
let mine: OpenAI;
let theirs: OpenAI;

beforeAll(async () => {
  stack = await startTestStack();
  receiver = await startReceiver();
  mine = new OpenAI({ apiKey: stack.apiKey, baseURL: `${stack.url}/v1`, maxRetries: 0 });
  theirs = new OpenAI({ apiKey: OTHER_KEY, baseURL: `${stack.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await stack.close();
  await receiver.close();
});

describe('webhook endpoints through the official openai SDK', () => {
  it('creates, lists, retrieves, updates and deletes an endpoint; the secret is shown only on create', async () => {
    const created = await mine.webhooks.create({
      url: `${receiver.url}/a`,
      name: 'first',
      event_types: ['video.completed'],
    });
    expect(created).toEqual({
      id: expect.stringMatching(/^whe_[0-9a-f]{32}$/),
      object: 'webhook_endpoint',
      created_at: expect.any(Number),
      updated_at: expect.any(Number),
      name: 'first',
      url: `${receiver.url}/a`,
      event_types: ['video.completed'],
      signing_secret: expect.stringMatching(/^whsec_/),
      signing_secret_hint: `whsec_…${created.signing_secret.slice(-4)}`,
      disabled_at: null,
      disabled_reason: null,
    });
    const retrieved = await mine.webhooks.retrieve(created.id);
    expect(retrieved).not.toHaveProperty('signing_secret');
    expect(JSON.stringify(await (await stack.api('/v1/webhook_endpoints')).json())).not.toContain(
      created.signing_secret,
    );

    const updated = await mine.webhooks.update(created.id, {
      name: 'renamed',
      event_types: ['video.failed', 'video.completed'],
    });
    expect(updated).toMatchObject({
      id: created.id,
      name: 'renamed',
      event_types: ['video.failed', 'video.completed'],
    });

    const second = await mine.webhooks.create({
      url: `${receiver.url}/b`,
      name: 'second',
      event_types: ['video.failed'],
    });
    const listed: string[] = [];
    for await (const endpoint of mine.webhooks.list({ limit: 1 })) listed.push(endpoint.id);
    expect(listed).toEqual([second.id, created.id]);

    expect(await mine.webhooks.eventTypes.list()).toEqual({
      object: 'list',
      data: ['video.completed', 'video.failed', 'video.queued', 'video.in_progress'],
    });

    expect(await mine.webhooks.delete(created.id)).toEqual({
      id: created.id,
      object: 'webhook_endpoint.deleted',
      deleted: true,
    });
    await expect(mine.webhooks.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
  });

  it('receives video.completed for a video it created and verifies it with client.webhooks.unwrap', async () => {
    const endpoint = await mine.webhooks.create({
      url: `${receiver.url}/sdk`,
      name: 'sdk',
      event_types: ['video.completed'],
    });
    const video = await mine.videos.create({
      prompt: 'a paper plane',
      model: 'sora-2',
      seconds: '4',
      size: '720x1280',
    });
    await stack.settle(video.id);
    const [delivery] = await receiver.waitFor('/sdk', 1);
    if (!delivery) throw new Error('no delivery');
    const event = await mine.webhooks.unwrap(
      delivery.body,
      delivery.headers as Record<string, string>,
      endpoint.signing_secret,
    );
    expect(event).toMatchObject({ object: 'event', type: 'video.completed', data: { id: video.id } });
  });

  it('refuses private addresses and non-URLs at registration', async () => {
    for (const url of [
      'https://169.254.169.254/latest',
      'https://10.0.0.1/hook',
      'ftp://example.com/',
      'not a url',
    ])
      await expect(
        mine.webhooks.create({ url, name: 'x', event_types: ['video.completed'] }),
      ).rejects.toMatchObject({
        status: 400,
        param: 'url',
      });
  });
});

describe('tenant isolation', () => {
  it("another tenant's endpoint is a 404 on every route, and absent from lists", async () => {
    const endpoint = await mine.webhooks.create({
      url: `${receiver.url}/iso`,
      name: 'iso',
      event_types: ['video.completed'],
    });
    const id = endpoint.id;
    await expect(theirs.webhooks.retrieve(id)).rejects.toMatchObject({ status: 404 });
    await expect(theirs.webhooks.update(id, { name: 'stolen' })).rejects.toMatchObject({ status: 404 });
    await expect(theirs.webhooks.rotateSecret(id)).rejects.toMatchObject({ status: 404 });
    await expect(theirs.webhooks.test(id, { event_type: 'video.completed' })).rejects.toMatchObject({
      status: 404,
    });
    await expect(theirs.webhooks.delete(id)).rejects.toMatchObject({ status: 404 });
    const deliveries = await stack.api(`/v1/webhook_endpoints/${id}/deliveries`, { key: OTHER_KEY });
    expect(deliveries.status).toBe(404);
    const listed: string[] = [];
    for await (const item of theirs.webhooks.list()) listed.push(item.id);
    expect(listed).not.toContain(id);
    // nothing of it changed, and the test route sent nothing
    expect(await mine.webhooks.retrieve(id)).toMatchObject({
      name: 'iso',
      signing_secret_hint: endpoint.signing_secret_hint,
    });
    expect(receiver.at('/iso')).toEqual([]);
  });

  it("a tenant's events go only to its own endpoints, and each tenant has its own callback secret", async () => {
    await theirs.webhooks.create({
      url: `${receiver.url}/theirs`,
      name: 'theirs',
      event_types: ['video.completed'],
    });
    await mine.webhooks.create({
      url: `${receiver.url}/mine`,
      name: 'mine',
      event_types: ['video.completed'],
    });
    const video = await mine.videos.create({
      prompt: 'a quiet harbour',
      model: 'sora-2',
      seconds: '4',
      size: '720x1280',
    });
    await stack.settle(video.id);
    await receiver.waitFor('/mine', 1);
    await stack.eventQueue.drained();
    expect(receiver.at('/theirs')).toEqual([]);
    const a = await (await stack.api('/v1/callback_secret')).json();
    const b = await (await stack.api('/v1/callback_secret', { key: OTHER_KEY })).json();
    expect(a.signing_secret).toMatch(/^whsec_/);
    expect(a.signing_secret).not.toBe(b.signing_secret);
  });
});
