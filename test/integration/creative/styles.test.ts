import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_STYLES } from '../../../functions/core/domain/styles.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

const OTHER_KEY = 'rly_other_tenant_key_000000';

const post = (stack: TestStack, body: Record<string, unknown>, key?: string) =>
  stack.api('/v1/videos', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(key && { key }),
  });

async function footprint(stack: TestStack) {
  const { jobs } = await stack.deps.jobs.listByTenant('local', { limit: 100, order: 'desc' });
  return { jobs: jobs.length, submits: stack.emulator?.stats().submits };
}

describe('style presets', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      env: {
        REELAY_PROMPT_BLOCKLIST: 'bomb',
        REELAY_STYLES: JSON.stringify([
          { id: 'house-look', title: 'House look', template: 'Brand film: {prompt}, teal and orange grade.' },
          // an operator's template cannot smuggle anything past screening: the final prompt is screened
          { id: 'careless', title: 'Careless', template: '{prompt}, then a bomb goes off.' },
        ]),
      },
    });
  });
  afterAll(() => stack.close());

  it('GET /v1/styles lists the built-in presets and the operator’s, each a template holding {prompt}', async () => {
    const response = await stack.api('/v1/styles');
    expect(response.status).toBe(200);
    const { object, data } = await response.json();
    expect(object).toBe('list');
    const ids = data.map((s: { id: string }) => s.id);
    expect(ids).toEqual([...BUILT_IN_STYLES.map((s) => s.id), 'house-look', 'careless']);
    expect(ids.length).toBeGreaterThanOrEqual(10);
    for (const style of data) {
      expect(style.object).toBe('style');
      expect(style.template.split('{prompt}')).toHaveLength(2);
    }
    expect(ids).toEqual(
      expect.arrayContaining([
        'cinematic',
        'anime',
        'watercolor',
        'film-noir',
        '8mm-home-movie',
        'claymation',
      ]),
    );
  });

  it('wraps the prompt in the style: the video keeps both, and fal gets the final prompt', async () => {
    const video = await stack.createVideo({ prompt: 'a dog in a park', style: 'anime', seconds: '4' });
    expect(video.prompt).toBe('a dog in a park');
    expect(video.style).toBe('anime');
    expect(video.final_prompt).toMatch(/^a dog in a park\. Vibrant anime style: /);
    const job = await stack.job(video.id);
    expect(job.falInput.prompt).toBe(video.final_prompt);
    const fetched = await (await stack.api(`/v1/videos/${video.id}`)).json();
    expect(fetched).toMatchObject({
      prompt: 'a dog in a park',
      style: 'anime',
      final_prompt: video.final_prompt,
    });
    const plain = await stack.createVideo({ prompt: 'a cat', seconds: '4' });
    expect(plain).toMatchObject({ prompt: 'a cat', style: null, final_prompt: 'a cat' });
  });

  it('applies an operator style from config', async () => {
    const video = await stack.createVideo({ prompt: 'a bicycle', style: 'house-look', seconds: '4' });
    expect(video.final_prompt).toBe('Brand film: a bicycle, teal and orange grade.');
  });

  it.each([
    [{ prompt: 'a b0mb in a park', style: 'anime' }, 'prompt'],
    [{ prompt: 'a quiet lake', style: 'careless' }, 'prompt'],
  ])('a style never gets a blocked prompt through: %j is refused and writes nothing', async (body, param) => {
    const before = await footprint(stack);
    const response = await post(stack, body);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'prompt_rejected', param });
    expect(await footprint(stack)).toEqual(before);
  });

  it('an unknown style is a 400 naming the ones there are', async () => {
    const before = await footprint(stack);
    const response = await post(stack, { prompt: 'a fox', style: 'vaporwave' });
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error).toMatchObject({ code: 'invalid_request', param: 'style' });
    expect(error.message).toContain('film-noir');
    expect(await footprint(stack)).toEqual(before);
  });

  it('a prompt that no longer fits the model once styled is a 400, not a truncation', async () => {
    // the model with the shortest prompt limit, by the catalog's own numbers
    const models = (await (await stack.api('/v1/models')).json()).data as Array<{
      id: string;
      max_prompt_length: number;
    }>;
    const shortest = models.reduce((a, b) => (a.max_prompt_length <= b.max_prompt_length ? a : b));
    const prompt = 'a'.repeat(Math.min(shortest.max_prompt_length, 4_000) - 5);
    const response = await post(stack, { prompt, model: shortest.id, style: 'cinematic' });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'invalid_request', param: 'prompt' });
  });

  it('the styles are the same for every tenant, and a styled video stays its tenant’s own', async () => {
    const mine = await stack.createVideo({ prompt: 'a heron', style: 'watercolor', seconds: '4' });
    const theirs = await stack.api(`/v1/videos/${mine.id}`, { key: OTHER_KEY });
    expect(theirs.status).toBe(404);
    expect((await stack.api('/v1/styles', { key: OTHER_KEY })).status).toBe(200);
    expect((await stack.api('/v1/styles', { key: null })).status).toBe(401);
  });

  it('multipart creates take style too', async () => {
    const form = new FormData();
    form.set('prompt', 'a lighthouse');
    form.set('style', 'film-noir');
    form.set('seconds', '4');
    const response = await stack.api('/v1/videos', { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ style: 'film-noir', prompt: 'a lighthouse' });
  });
});
