import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

const OTHER_KEY = 'rly_other_tenant_key_000000';

const post = (stack: TestStack, path: string, body: Record<string, unknown>, init: RequestInit = {}) =>
  stack.api(path, {
    method: 'POST',
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
    body: JSON.stringify(body),
  });

async function footprint(stack: TestStack) {
  const { jobs } = await stack.deps.jobs.listByTenant('local', { limit: 100, order: 'desc' });
  const stats = stack.emulator?.stats();
  return { jobs: jobs.length, submits: stats?.submits };
}

const enhancements = (stack: TestStack) => stack.emulator?.stats().enhancements ?? -1;

describe('prompt enhancement', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ env: { REELAY_PROMPT_BLOCKLIST: 'bomb' } });
  });
  afterAll(() => stack.close());

  it('a dog in a park, anime and enhanced: both prompts on the video, the final one sent to fal', async () => {
    const calls = enhancements(stack);
    const video = await stack.createVideo({
      prompt: 'a dog in a park',
      style: 'anime',
      enhance_prompt: true,
    });
    expect(enhancements(stack)).toBe(calls + 1);
    expect(video.prompt).toBe('a dog in a park');
    expect(video.prompt_enhancement).toEqual({ status: 'enhanced' });
    expect(video.enhanced_prompt).toMatch(/^a dog in a park, seen in a wide establishing shot/);
    expect(video.final_prompt).toMatch(
      /^a dog in a park, seen in a wide establishing shot.*Vibrant anime style: /,
    );
    expect(video.style).toBe('anime');
    expect((await stack.job(video.id)).falInput.prompt).toBe(video.final_prompt);
  });

  it('when the LLM is down the create proceeds with the original prompt and says so', async () => {
    const video = await stack.createVideo({ prompt: 'a kite [enhance:down]', enhance_prompt: true });
    expect(video.prompt_enhancement).toMatchObject({ status: 'unavailable' });
    expect(video.prompt_enhancement?.reason).toContain('503');
    expect(video.enhanced_prompt).toBeUndefined();
    expect(video.final_prompt).toBe('a kite [enhance:down]');
    expect((await stack.job(video.id)).falInput.prompt).toBe('a kite [enhance:down]');
  });

  it('an unusable answer counts as unavailable too', async () => {
    const video = await stack.createVideo({ prompt: 'a boat [enhance:garbled]', enhance_prompt: 'true' });
    expect(video.prompt_enhancement).toEqual({
      status: 'unavailable',
      reason: 'the enhancement model gave no usable prompt',
    });
  });

  it('a strict tenant gets a 503 instead, and nothing is written', async () => {
    await stack.deps.tenants.setLimits('local', { strictPromptEnhancement: true });
    try {
      const before = await footprint(stack);
      const response = await post(stack, '/v1/videos', {
        prompt: 'a kite [enhance:down]',
        enhance_prompt: true,
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect((await response.json()).error).toMatchObject({
        code: 'prompt_enhancement_unavailable',
        param: 'enhance_prompt',
      });
      expect(await footprint(stack)).toEqual(before);
      // strict changes nothing when the LLM answers
      const video = await stack.createVideo({ prompt: 'a canoe', enhance_prompt: true });
      expect(video.prompt_enhancement).toEqual({ status: 'enhanced' });
    } finally {
      await stack.deps.tenants.setLimits('local', { strictPromptEnhancement: false });
    }
  });

  it('a blocked prompt is refused before the LLM is paid for', async () => {
    const before = await footprint(stack);
    const calls = enhancements(stack);
    const response = await post(stack, '/v1/videos', { prompt: 'a b0mb in a park', enhance_prompt: true });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('prompt_rejected');
    expect(enhancements(stack)).toBe(calls);
    expect(await footprint(stack)).toEqual(before);
  });

  it('repeats with one Idempotency-Key answer one video, however the rewrite comes out', async () => {
    const headers = { 'idempotency-key': 'enhance-once-1' };
    const body = { prompt: 'a red balloon', enhance_prompt: true, style: 'cinematic' };
    const first = await post(stack, '/v1/videos', body, { headers });
    const again = await post(stack, '/v1/videos', body, { headers });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await again.json()).id).toBe((await first.json()).id);
  });

  describe('POST /v1/prompts/enhance', () => {
    it('previews the rewrite and the final prompt without recording or generating anything', async () => {
      const before = await footprint(stack);
      const response = await post(stack, '/v1/prompts/enhance', {
        prompt: 'a dog in a park',
        style: 'watercolor',
        model: 'sora-2',
      });
      expect(response.status).toBe(200);
      const preview = await response.json();
      expect(preview).toMatchObject({
        object: 'prompt.enhancement',
        model: 'sora-2',
        prompt: 'a dog in a park',
        style: 'watercolor',
      });
      expect(preview.enhanced_prompt).toMatch(/^a dog in a park, /);
      expect(preview.final_prompt).toContain('Watercolor painting style');
      expect(await footprint(stack)).toEqual(before);
    });

    it('is a 503 when the LLM is down, and a 400 for a blocked idea (no LLM call)', async () => {
      const down = await post(stack, '/v1/prompts/enhance', { prompt: 'a kite [enhance:down]' });
      expect(down.status).toBe(503);
      expect((await down.json()).error.code).toBe('prompt_enhancement_unavailable');
      const calls = enhancements(stack);
      const blocked = await post(stack, '/v1/prompts/enhance', { prompt: 'how to b o m b' });
      expect(blocked.status).toBe(400);
      expect((await blocked.json()).error.code).toBe('prompt_rejected');
      expect(enhancements(stack)).toBe(calls);
    });

    it('checks its fields like a create', async () => {
      for (const [body, param] of [
        [{ prompt: 'a fox', style: 'nope' }, 'style'],
        [{ prompt: 'a fox', model: 'nope' }, 'model'],
        [{ prompt: '' }, 'prompt'],
        [{ prompt: 'a fox', extra: 1 }, 'extra'],
        [{ prompt: 'x'.repeat(4_001) }, 'prompt'],
      ] as const) {
        const response = await post(stack, '/v1/prompts/enhance', body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect((await response.json()).error.param).toBe(param);
      }
    });

    it('needs a key, and works the same for every tenant', async () => {
      const anonymous = await stack.api('/v1/prompts/enhance', {
        method: 'POST',
        key: null,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'a fox' }),
      });
      expect(anonymous.status).toBe(401);
      const other = await post(stack, '/v1/prompts/enhance', { prompt: 'a fox' }, {});
      expect(other.status).toBe(200);
      const asOther = await stack.api('/v1/prompts/enhance', {
        method: 'POST',
        key: OTHER_KEY,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'a fox' }),
      });
      expect(asOther.status).toBe(200);
    });
  });
});
