import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUrlGuard } from '../../functions/core/net/url-guard.ts';
import { postVideo } from '../support/post-video.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

/** What a refused create must leave untouched: the tenant's videos and fal's submits, uploads and runs. */
async function footprint(stack: TestStack) {
  const { jobs } = await stack.deps.jobs.listByTenant('local', { limit: 100, order: 'desc' });
  const stats = stack.emulator?.stats();
  return { jobs: jobs.length, submits: stats?.submits, uploads: stats?.uploads };
}

describe('screening a create before any spend', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      env: {
        REELAY_PROMPT_BLOCKLIST: JSON.stringify([
          'bomb',
          'blow up',
          'detonat*',
          '/\\bhow to make (a )?weapon\\b/',
        ]),
        REELAY_MODERATION: 'fal',
      },
    });
  });
  afterAll(() => stack.close());

  it.each([
    ['a b0mb in a field', 'prompt'],
    ['a B O M B in a field', 'prompt'],
    ['BLOW-UP the bridge', 'prompt'],
    ['a d3t0nation', 'prompt'],
    ['how to make a weapon', 'prompt'],
  ])('refuses %j with prompt_rejected, never echoing the term, writing nothing', async (prompt, param) => {
    const before = await footprint(stack);
    const runs = stack.emulator?.stats().runs;
    const response = await postVideo(stack, { prompt });
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error).toMatchObject({ code: 'prompt_rejected', param, type: 'invalid_request_error' });
    for (const word of ['bomb', 'b0mb', 'blow', 'detonat', 'weapon'])
      expect(error.message.toLowerCase()).not.toContain(word);
    expect(await footprint(stack)).toEqual(before);
    // the blocklist answers before the moderation call is paid for
    expect(stack.emulator?.stats().runs).toBe(runs);
  });

  it('refuses a blocked prompt in multipart before its image is uploaded to fal', async () => {
    const before = await footprint(stack);
    const form = new FormData();
    form.set('prompt', 'a b.o.m.b');
    // a real image (a 1×1 PNG): the upload check would refuse anything else before the prompt is read
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    form.set('input_reference', new File([new Uint8Array(png)], 'a.png', { type: 'image/png' }));
    const response = await stack.api('/v1/videos', { method: 'POST', body: form });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('prompt_rejected');
    expect(await footprint(stack)).toEqual(before);
  });

  it('checks negative_prompt too', async () => {
    const response = await postVideo(stack, {
      prompt: 'a meadow',
      model: 'veo-3.1',
      negative_prompt: 'no bombs, a bomb',
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({
      code: 'prompt_rejected',
      param: 'negative_prompt',
    });
  });

  it('lets "Scunthorpe"-style words through and asks the moderation model once', async () => {
    const runs = stack.emulator?.stats().runs ?? 0;
    const response = await postVideo(stack, { prompt: 'a bombardier beetle in a trombone', seconds: '4' });
    expect(response.status).toBe(200);
    expect((stack.emulator?.stats().runs ?? 0) - runs).toBe(1);
  });

  it('refuses what the moderation model flags, naming only its category', async () => {
    const before = await footprint(stack);
    const response = await postVideo(stack, { prompt: 'something nasty [moderation:flag]' });
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error).toMatchObject({ code: 'prompt_rejected', param: 'prompt' });
    expect(error.message).toContain('category: violence');
    expect(error.message).not.toContain('nasty');
    expect(await footprint(stack)).toEqual(before);
  });

  it.each(['[moderation:down]', '[moderation:garbled]'])(
    'fails closed with a 503 when moderation gives no verdict (%s)',
    async (directive) => {
      const before = await footprint(stack);
      const response = await postVideo(stack, { prompt: `a fox ${directive}` });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect((await response.json()).error.code).toBe('moderation_unavailable');
      expect(await footprint(stack)).toEqual(before);
    },
  );

  it('checks the request against its model before paying for moderation', async () => {
    const runs = stack.emulator?.stats().runs;
    const tooLong = await postVideo(stack, { prompt: 'x'.repeat(2_001), model: 'seedance-1.5-pro' });
    expect(tooLong.status).toBe(400);
    expect((await tooLong.json()).error).toMatchObject({
      param: 'prompt',
      message: expect.stringContaining('2000'),
    });
    const badSize = await postVideo(stack, { prompt: 'a fox', size: '123x456' });
    expect(badSize.status).toBe(400);
    expect(stack.emulator?.stats().runs).toBe(runs);
  });

  it('keeps the safety checker on unless the operator allows a tenant to switch it off', async () => {
    const before = await footprint(stack);
    const refused = await postVideo(stack, { prompt: 'a fox', enable_safety_checker: false });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toMatchObject({
      code: 'safety_checker_required',
      param: 'enable_safety_checker',
    });
    expect(await footprint(stack)).toEqual(before);

    const on = await postVideo(stack, { prompt: 'a fox', seconds: '4' });
    const onJob = await stack.job((await on.json()).id);
    expect(onJob.falInput.enable_safety_checker).toBe(true);

    await stack.deps.tenants.setLimits('local', { mayDisableSafetyChecker: true });
    const off = await postVideo(stack, { prompt: 'a fox', seconds: '4', enable_safety_checker: 'false' });
    expect(off.status).toBe(200);
    const video = await off.json();
    expect(video.enable_safety_checker).toBe(false);
    expect((await stack.job(video.id)).falInput.enable_safety_checker).toBe(false);

    const sora = await postVideo(stack, { prompt: 'a fox', model: 'sora-2', enable_safety_checker: false });
    expect(sora.status).toBe(400);
    expect((await sora.json()).error.param).toBe('enable_safety_checker');
    await stack.deps.tenants.setLimits('local', { mayDisableSafetyChecker: false });
  });

  it('accepts a callback_url, stores it with the video, and guards it like image_url', async () => {
    const ok = await postVideo(stack, {
      prompt: 'a fox',
      seconds: '4',
      callback_url: 'https://93.184.215.14/hooks/reelay',
    });
    expect(ok.status).toBe(200);
    const video = await ok.json();
    expect(video.callback_url).toBe('https://93.184.215.14/hooks/reelay');
    expect((await stack.job(video.id)).spec.callbackUrl).toBe('https://93.184.215.14/hooks/reelay');

    const before = await footprint(stack);
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'https://[fd00:ec2::254]/',
      'https://10.0.0.1/hook',
      'https://192.168.1.1/hook',
      'ftp://93.184.215.14/hook',
    ]) {
      const refused = await postVideo(stack, { prompt: 'a fox', callback_url: url });
      expect(refused.status, url).toBe(400);
      expect((await refused.json()).error.param).toBe('callback_url');
      const image = await postVideo(stack, { prompt: 'a fox', image_url: url });
      expect(image.status, url).toBe(400);
      expect((await image.json()).error.param).toBe('image_url');
    }
    expect(await footprint(stack)).toEqual(before);
  });
});

describe('client URLs are resolved before anything is spent', () => {
  let stack: TestStack;
  const dns: Record<string, string[]> = {
    'images.example.com': ['93.184.215.14'],
    'rebind.example.com': ['93.184.215.14', '169.254.169.254'],
    'internal.example.com': ['10.0.0.5'],
    'hooks.example.com': ['2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  };
  beforeAll(async () => {
    stack = await startTestStack({
      deps: {
        // the stack's real rules (loopback allowed locally) with a fake DNS
        guardUrl: createUrlGuard({ allowLocal: true }, async (host) => {
          const found = dns[host];
          if (!found) throw new Error(`ENOTFOUND ${host}`);
          return found;
        }),
      },
    });
  });
  afterAll(() => stack.close());

  it.each([
    ['image_url', 'https://internal.example.com/cat.png'],
    ['image_url', 'https://rebind.example.com/cat.png'],
    ['callback_url', 'https://internal.example.com/hook'],
    ['callback_url', 'https://nowhere.example.com/hook'],
  ])('refuses %s %s, writing nothing', async (field, url) => {
    const before = await footprint(stack);
    const response = await postVideo(stack, { prompt: 'a fox', [field]: url });
    expect(response.status).toBe(400);
    expect((await response.json()).error.param).toBe(field);
    expect(await footprint(stack)).toEqual(before);
  });

  it('accepts names whose every address is public', async () => {
    const response = await postVideo(stack, {
      prompt: 'a fox',
      seconds: '4',
      callback_url: 'https://hooks.example.com/reelay',
      input_reference: { image_url: 'https://images.example.com/cat.png' },
    });
    expect(response.status).toBe(200);
    const video = await response.json();
    expect(video).toMatchObject({
      callback_url: 'https://hooks.example.com/reelay',
      image_url: 'https://images.example.com/cat.png',
    });
  });
});
