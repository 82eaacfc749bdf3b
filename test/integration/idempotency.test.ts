import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VideoObject } from '../../functions/core/domain/video-object.ts';
import { falSubmits } from '../support/fal-requests.ts';
import { OTHER_KEY } from '../support/other-tenant.ts';
import { postVideo } from '../support/post-video.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

const create = (body: Record<string, unknown>, idempotencyKey: string | undefined, key?: string) =>
  postVideo(stack, body, { idempotencyKey, key });
const submits = () => falSubmits(stack);

async function listIds(apiKey?: string): Promise<string[]> {
  const response = await stack.api('/v1/videos?limit=100', apiKey ? { key: apiKey } : {});
  return ((await response.json()) as { data: VideoObject[] }).data.map((video) => video.id);
}

describe('Idempotency-Key on create', () => {
  it('a repeat answers the same video, marked as replayed, and submits nothing more', async () => {
    const before = submits();
    const first = await create({ prompt: 'a lighthouse at dusk', seconds: '4' }, 'key-repeat');
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const video = (await first.json()) as VideoObject;

    // same request, fields in another order
    const second = await create({ seconds: '4', prompt: 'a lighthouse at dusk' }, 'key-repeat');
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(((await second.json()) as VideoObject).id).toBe(video.id);
    expect(submits() - before).toBe(1);
    expect((await listIds()).filter((id) => id === video.id)).toHaveLength(1);
  });

  it('the same key with a different request is 409 idempotency_key_reused and changes nothing', async () => {
    await create({ prompt: 'a quiet harbour', seconds: '4' }, 'key-reused');
    const before = { submits: submits(), ids: await listIds() };
    const response = await create({ prompt: 'a loud harbour', seconds: '4' }, 'key-reused');
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: expect.objectContaining({ code: 'idempotency_key_reused', param: 'Idempotency-Key' }),
    });
    expect(submits()).toBe(before.submits);
    expect(await listIds()).toEqual(before.ids);
  });

  it('keys are per tenant: the same key from another tenant makes that tenant its own video', async () => {
    const body = { prompt: 'twin towers of sand', seconds: '4' };
    const mine = (await (await create(body, 'key-shared')).json()) as VideoObject;
    const response = await create(body, 'key-shared', OTHER_KEY);
    expect(response.headers.get('idempotent-replayed')).toBeNull();
    const theirs = (await response.json()) as VideoObject;
    expect(theirs.id).not.toBe(mine.id);
    expect(await listIds(OTHER_KEY)).toContain(theirs.id);
    expect(await listIds()).not.toContain(theirs.id);
  });

  it('concurrent duplicates resolve to one video and one fal submit', async () => {
    const before = submits();
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => create({ prompt: 'a stampede of identical horses' }, 'key-burst')),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(200));
    const ids = new Set(await Promise.all(answers.map(async (a) => ((await a.json()) as VideoObject).id)));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    const [id] = [...ids] as [string];
    await stack.waitForJob(id, ['completed']);
    expect(submits() - before).toBe(1);
  });

  it('a retry after a create that died before recording its job finishes it under the reserved id', async () => {
    const before = submits();
    const store = stack.deps.jobs;
    const realCreate = store.create;
    store.create = async () => {
      throw new Error('process died');
    };
    let failed: Response;
    try {
      failed = await create({ prompt: 'a phoenix, second try', seconds: '4' }, 'key-crash');
    } finally {
      store.create = realCreate;
    }
    expect(failed.status).toBe(500);
    expect(submits()).toBe(before);

    const retry = await create({ prompt: 'a phoenix, second try', seconds: '4' }, 'key-crash');
    expect(retry.status).toBe(200);
    const video = (await retry.json()) as VideoObject;
    expect((await stack.waitForJob(video.id, ['completed'])).state).toBe('completed');
    expect(submits() - before).toBe(1);
  });

  it('a key is free again after 24 hours', async () => {
    const body = { prompt: 'a comet returning', seconds: '4' };
    const first = (await (await create(body, 'key-expiry')).json()) as VideoObject;
    stack.advance(24 * 3_600_000 - 1_000);
    expect(((await (await create(body, 'key-expiry')).json()) as VideoObject).id).toBe(first.id);
    stack.advance(2_000);
    const later = await create(body, 'key-expiry');
    expect(later.headers.get('idempotent-replayed')).toBeNull();
    expect(((await later.json()) as VideoObject).id).not.toBe(first.id);
  });

  it('a malformed key is a 400 and records nothing', async () => {
    const before = { submits: submits(), ids: await listIds() };
    for (const key of ['x'.repeat(256), 'has space', 'ünïcode']) {
      const response = await create({ prompt: 'never made' }, key);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { param: string } }).error.param).toBe('Idempotency-Key');
    }
    expect(submits()).toBe(before.submits);
    expect(await listIds()).toEqual(before.ids);
  });

  it('a replay of a video since deleted is a 404', async () => {
    const body = { prompt: 'a sandcastle', seconds: '4' };
    const video = (await (await create(body, 'key-deleted')).json()) as VideoObject;
    expect((await stack.api(`/v1/videos/${video.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await create(body, 'key-deleted')).status).toBe(404);
  });
});
