import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../../../functions/core/accounts/issue-key.ts';
import { hashApiKey } from '../../../functions/core/domain/api-key.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

const OTHER_KEY = 'rly_other_tenant_key_000000';

const send = (stack: TestStack, id: string, body: unknown, key?: string) =>
  stack.api(`/v1/videos/${id}/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(key && { key }),
  });

describe('feedback on videos', () => {
  let stack: TestStack;
  let videoId: string;
  beforeAll(async () => {
    stack = await startTestStack({ env: { REELAY_PROMPT_BLOCKLIST: 'bomb' } });
    const video = await stack.createVideo({ prompt: 'a dog in a park', style: 'anime', seconds: '4' });
    expect((await stack.settle(video.id)).state).toBe('completed');
    videoId = video.id;
  });
  afterAll(() => stack.close());

  it('is absent until given, then stored, returned and replaced by the next', async () => {
    expect((await stack.api(`/v1/videos/${videoId}/feedback`)).status).toBe(404);
    const first = await send(stack, videoId, {
      rating: 4,
      visual_quality: 5,
      prompt_adherence: 3,
      comment: '  lovely light  ',
    });
    expect(first.status).toBe(200);
    const given = await first.json();
    expect(given).toMatchObject({
      object: 'video.feedback',
      video_id: videoId,
      rating: 4,
      visual_quality: 5,
      prompt_adherence: 3,
      consistency: null,
      narrative: null,
      comment: 'lovely light',
    });
    expect(await (await stack.api(`/v1/videos/${videoId}/feedback`)).json()).toEqual(given);

    const second = await (await send(stack, videoId, { rating: 2, narrative: 1 })).json();
    expect(second).toMatchObject({ rating: 2, visual_quality: null, narrative: 1, comment: null });
    expect(second.created_at).toBe(given.created_at);
    expect(await (await stack.api(`/v1/videos/${videoId}/feedback`)).json()).toEqual(second);
  });

  it('is one per key: another key of the tenant has its own', async () => {
    const { key } = await issueApiKey(stack.deps.keys, { tenant: 'local', name: 'second', now: Date.now() });
    expect((await stack.api(`/v1/videos/${videoId}/feedback`, { key })).status).toBe(404);
    expect((await send(stack, videoId, { rating: 5 }, key)).status).toBe(200);
    expect((await (await stack.api(`/v1/videos/${videoId}/feedback`, { key })).json()).rating).toBe(5);
    expect((await (await stack.api(`/v1/videos/${videoId}/feedback`)).json()).rating).toBe(2);
  });

  it('another tenant gets a 404 for both routes and changes nothing', async () => {
    const before = await (await stack.api(`/v1/videos/${videoId}/feedback`)).json();
    const post = await send(stack, videoId, { rating: 1 }, OTHER_KEY);
    expect(post.status).toBe(404);
    expect((await post.json()).error).toMatchObject({ code: 'not_found', param: 'video_id' });
    expect((await stack.api(`/v1/videos/${videoId}/feedback`, { key: OTHER_KEY })).status).toBe(404);
    const otherKeyId = `env_${hashApiKey(OTHER_KEY).slice(0, 16)}`;
    expect(await stack.deps.feedback.get(videoId, otherKeyId)).toBeUndefined();
    expect(await (await stack.api(`/v1/videos/${videoId}/feedback`)).json()).toEqual(before);
  });

  it('is for completed videos only', async () => {
    const failed = await stack.createVideo({ prompt: 'a fox [fal:content_policy_violation]' });
    expect((await stack.settle(failed.id)).state).toBe('failed');
    const response = await send(stack, failed.id, { rating: 3 });
    expect(response.status).toBe(409);
    expect((await response.json()).error.code).toBe('video_not_ready');
  });

  it('screens the comment and bounds every field, storing nothing refused', async () => {
    const before = await (await stack.api(`/v1/videos/${videoId}/feedback`)).json();
    const blocked = await send(stack, videoId, { rating: 5, comment: 'da b0mb' });
    expect(blocked.status).toBe(400);
    expect((await blocked.json()).error).toMatchObject({ code: 'prompt_rejected', param: 'comment' });
    for (const [body, param] of [
      [{}, 'rating'],
      [{ rating: 0 }, 'rating'],
      [{ rating: 6 }, 'rating'],
      [{ rating: 2.5 }, 'rating'],
      [{ rating: '4' }, 'rating'],
      [{ rating: 4, consistency: 9 }, 'consistency'],
      [{ rating: 4, comment: 'x'.repeat(501) }, 'comment'],
      [{ rating: 4, comment: 'a\u0000b' }, 'comment'],
      [{ rating: 4, stars: 5 }, 'stars'],
    ] as const) {
      const response = await send(stack, videoId, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await response.json()).error.param, JSON.stringify(body)).toBe(param);
    }
    expect((await send(stack, 'video_nope', { rating: 3 })).status).toBe(404);
    expect(await (await stack.api(`/v1/videos/${videoId}/feedback`)).json()).toEqual(before);
  });

  it('a deleted video takes its feedback out of reach', async () => {
    const video = await stack.createVideo({ prompt: 'a swan', seconds: '4' });
    await stack.settle(video.id);
    expect((await send(stack, video.id, { rating: 4 })).status).toBe(200);
    expect((await stack.api(`/v1/videos/${video.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await stack.api(`/v1/videos/${video.id}/feedback`)).status).toBe(404);
  });
});
