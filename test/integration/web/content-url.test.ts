import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

describe('GET /v1/videos/{id}/content?redirect=false (how the studio plays a video)', () => {
  it('answers the presigned URL as JSON; the URL serves the MP4', async () => {
    const video = await stack.createVideo({ prompt: 'a fox in the snow', seconds: '5' });
    await stack.settle(video.id);
    const response = await stack.api(`/v1/videos/${video.id}/content?redirect=false`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({
      object: 'video.content_url',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:/),
    });
    const now = Math.floor(Date.now() / 1000);
    expect(body.expires_at).toBeGreaterThan(now);
    expect(body.expires_at).toBeLessThanOrEqual(now + stack.deps.config.downloadUrlTtlSeconds + 1);
    const mp4 = Buffer.from(await (await fetch(body.url)).arrayBuffer());
    expect(mp4.subarray(4, 8).toString('latin1')).toBe('ftyp');

    // the default is still OpenAI's redirect
    const redirect = await stack.api(`/v1/videos/${video.id}/content`);
    expect(redirect.status).toBe(302);
  });

  it("is a 404 for another tenant's video, exactly like a missing one", async () => {
    const video = await stack.createVideo({ prompt: 'a heron', seconds: '5' });
    await stack.settle(video.id);
    const other = await stack.api(`/v1/videos/${video.id}/content?redirect=false`, {
      key: 'rly_other_tenant_key_000000',
    });
    const missing = await stack.api(
      '/v1/videos/video_019f6af7308800000000000000000000/content?redirect=false',
      {
        key: 'rly_other_tenant_key_000000',
      },
    );
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    const [a, b] = [(await other.json()).error, (await missing.json()).error];
    expect({ code: a.code, param: a.param }).toEqual({ code: b.code, param: b.param });
  });

  it('refuses a value other than true or false with a 400 naming redirect', async () => {
    const response = await stack.api('/v1/videos/video_019f6af7308800000000000000000000/content?redirect=no');
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'invalid_request', param: 'redirect' });
  });
});
