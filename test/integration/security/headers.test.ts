import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

describe('hardening headers (L4)', () => {
  it.each([
    ['GET', '/healthz', null],
    ['GET', '/', null],
    ['GET', '/openapi.json', null],
    ['GET', '/v1/models', undefined],
    ['GET', '/v1/videos', null],
    ['GET', '/v1/videos/video_0123456789abcdef0123456789abcdef', undefined],
    ['GET', '/no/such/route', null],
    ['POST', '/webhooks/fal', null],
    ['POST', '/webhooks/fal?job=video_0123456789abcdef0123456789abcdef', null],
    ['GET', '/webhooks/fal', null],
    ['GET', '/metrics', null],
    ['GET', '/_local/archive-queue', null],
  ] as const)('%s %s answers with nosniff', async (method, path, key) => {
    const response = await stack.api(path, { method, ...(key === null && { key: null }) });
    await response.body?.cancel();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('keeps the presigned /content redirect out of caches and Referer headers', async () => {
    const video = await stack.createVideo({ prompt: 'a fox in fresh snow', seconds: '4' });
    expect((await stack.settle(video.id)).state).toBe('completed');
    const response = await stack.api(`/v1/videos/${video.id}/content`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(/^http/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
