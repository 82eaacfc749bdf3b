import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VideoObject } from '../../functions/core/domain/video-object.ts';
import { falSubmits } from '../support/fal-requests.ts';
import { OTHER_KEY } from '../support/other-tenant.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

/** A 1×1 PNG: the smallest real image fal's runner (and the emulator) will decode. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

const json = (body: unknown, key?: string | null) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
  ...(key !== undefined && { key }),
});

async function errorOf(response: Response) {
  expect(response.headers.get('content-type')).toContain('application/json');
  const body = await response.json();
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  return { status: response.status, ...body.error };
}

async function listAll(key: string): Promise<VideoObject[]> {
  const response = await stack.api('/v1/videos?limit=100', { key });
  return (await response.json()).data;
}

describe('authentication', () => {
  it.each([
    [null, 'missing_api_key'],
    ['wrong-key-wrong-key-wrong', 'invalid_api_key'],
  ])('answers 401 %s → %s on every /v1 route', async (key, code) => {
    for (const [path, init] of [
      ['/v1/videos', {}],
      ['/v1/videos', json({ prompt: 'x' }, key)],
      ['/v1/models', {}],
      ['/v1/videos/video_0123456789abcdef0123456789abcdef', {}],
    ] as const) {
      const response = await stack.api(path, { ...init, key });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await errorOf(response)).toMatchObject({ code });
    }
  });

  it('leaves the health check, the OpenAPI document and the web page open', async () => {
    expect((await stack.api('/healthz', { key: null })).status).toBe(200);
    expect((await stack.api('/openapi.json', { key: null })).status).toBe(200);
    const page = await stack.api('/', { key: null });
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<title>Reelay studio</title>');
  });
});

describe('bad input: a clear 400 in the envelope, and nothing written', () => {
  it.each([
    [{}, 'prompt', 'invalid_request'],
    [{ prompt: '' }, 'prompt', 'invalid_request'],
    [{ prompt: 42 }, 'prompt', 'invalid_request'],
    [{ prompt: 'x', sconds: '4' }, 'sconds', 'invalid_request'],
    [{ prompt: 'x', seconds: '7', model: 'sora-2' }, 'seconds', 'invalid_request'],
    [{ prompt: 'x', model: 'gen-9' }, 'model', 'invalid_request'],
    [{ prompt: 'x', size: 'big' }, 'size', 'invalid_request'],
    [{ prompt: 'x', size: '1920x1080', model: 'sora-2' }, 'size', 'invalid_request'],
    [{ prompt: 'x', seed: 1.5 }, 'seed', 'invalid_request'],
    [{ prompt: 'x', generate_audio: 'yes' }, 'generate_audio', 'invalid_request'],
    [{ prompt: 'x', metadata: { a: 1 } }, 'metadata.a', 'invalid_request'],
    [{ prompt: 'x', image_url: 'ftp://example.com/a.png' }, 'image_url', 'invalid_request'],
    [{ prompt: 'x', input_reference: { file_id: 'file_1' } }, 'input_reference', 'invalid_request'],
    [{ prompt: 'x', negative_prompt: 'blur' }, 'negative_prompt', 'invalid_request'],
  ])('%j → 400 naming %s', async (body, param, code) => {
    const before = falSubmits(stack);
    const error = await errorOf(await stack.api('/v1/videos', json(body, OTHER_KEY)));
    expect(error).toMatchObject({ status: 400, code, param, type: 'invalid_request_error' });
    expect(falSubmits(stack)).toBe(before);
    expect(await listAll(OTHER_KEY)).toEqual([]);
  });

  it('lists the allowed values when a value is not offered', async () => {
    const error = await errorOf(
      await stack.api('/v1/videos', json({ prompt: 'x', model: 'kling-2.5-turbo-pro', seconds: '8' })),
    );
    expect(error.message).toBe('kling-2.5-turbo-pro offers seconds 5, 10, not 8.');
  });

  it('answers malformed JSON, a non-object and an unknown content type clearly', async () => {
    const broken = await stack.api('/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"prompt":',
    });
    expect(await errorOf(broken)).toMatchObject({ status: 400, code: 'invalid_json' });
    expect(await errorOf(await stack.api('/v1/videos', json(['x'])))).toMatchObject({ status: 400 });
    const text = await stack.api('/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'a fox',
    });
    expect(await errorOf(text)).toMatchObject({ status: 415, code: 'unsupported_media_type' });
  });

  it('refuses bodies over 1 MB of JSON or 20 MB of multipart with 413', async () => {
    const big = await stack.api('/v1/videos', json({ prompt: 'x'.repeat(1024 * 1024) }, OTHER_KEY));
    expect(await errorOf(big)).toMatchObject({ status: 413, code: 'request_too_large' });
    const form = new FormData();
    form.set('prompt', 'x');
    form.set('input_reference', new File([Buffer.alloc(21 * 1024 * 1024)], 'a.png', { type: 'image/png' }));
    const huge = await stack.api('/v1/videos', { method: 'POST', body: form, key: OTHER_KEY });
    expect(await errorOf(huge)).toMatchObject({ status: 413 });
    expect(await listAll(OTHER_KEY)).toEqual([]);
  });

  it('rejects a multipart field sent twice and a file where text belongs', async () => {
    const twice = new FormData();
    twice.append('prompt', 'a');
    twice.append('prompt', 'b');
    expect(await errorOf(await stack.api('/v1/videos', { method: 'POST', body: twice }))).toMatchObject({
      param: 'prompt',
    });
    const fileAsText = new FormData();
    fileAsText.set('prompt', new File(['x'], 'p.txt', { type: 'text/plain' }));
    expect(await errorOf(await stack.api('/v1/videos', { method: 'POST', body: fileAsText }))).toMatchObject({
      param: 'prompt',
    });
  });

  it('a multipart field named __proto__ or constructor is an unknown field, not silently dropped or inherited', async () => {
    for (const name of ['__proto__', 'constructor', '__proto__[model]']) {
      const form = new FormData();
      form.set('prompt', 'a fox');
      form.set(name, 'sora-2');
      expect(await errorOf(await stack.api('/v1/videos', { method: 'POST', body: form }))).toMatchObject({
        status: 400,
        param: name.replace(/\[.*$/, ''),
      });
    }
  });

  it('an unknown or malformed video id is a 404 in the envelope', async () => {
    for (const id of ['video_0123456789abcdef0123456789abcdef', 'not-an-id', '..%2F..%2Fetc']) {
      expect(await errorOf(await stack.api(`/v1/videos/${id}`))).toMatchObject({
        status: 404,
        code: 'not_found',
      });
    }
    expect(await errorOf(await stack.api('/v1/nothing-here'))).toMatchObject({ status: 404 });
  });

  it('validates list parameters', async () => {
    for (const query of ['limit=0', 'limit=101', 'limit=ten', 'order=sideways', 'after=nope']) {
      expect(await errorOf(await stack.api(`/v1/videos?${query}`))).toMatchObject({ status: 400 });
    }
  });
});

describe('multipart, as the openai SDK sends it', () => {
  it('takes text parts, with input_reference[image_url] choosing image-to-video', async () => {
    const form = new FormData();
    form.set('prompt', 'the cat wakes up');
    form.set('model', 'sora-2');
    form.set('seconds', '8');
    form.set('size', '720x1280');
    const image = `${stack.emulator?.url}/files/none/cat.png`;
    form.set('input_reference[image_url]', image);
    const response = await stack.api('/v1/videos', { method: 'POST', body: form });
    expect(response.status).toBe(200);
    const video = await response.json();
    expect(video).toMatchObject({ model: 'sora-2', seconds: '8', size: '720x1280', image_url: image });
    const job = await stack.job(video.id);
    expect(job.falEndpoint).toBe('fal-ai/sora-2/image-to-video');
    expect(job.falInput).toEqual({
      prompt: 'the cat wakes up',
      duration: '8',
      resolution: '720p',
      aspect_ratio: '9:16',
      image_url: image,
      // kept at OpenAI (REELAY_KEEP_SORA_VIDEOS, on by default) so it can be remixed
      delete_video: false,
    });
  });

  it('uploads a file part to fal’s storage and generates from it', async () => {
    const uploads = stack.emulator?.stats().uploads ?? 0;
    const form = new FormData();
    form.set('prompt', 'bring this to life');
    form.set('generate_audio', 'false');
    form.set('seed', '42');
    form.set('metadata[user]', 'u-17');
    form.set('input_reference', new File([PNG], 'start.png', { type: 'image/png' }));
    const response = await stack.api('/v1/videos', { method: 'POST', body: form });
    expect(response.status).toBe(200);
    const video = await response.json();
    expect(video).toMatchObject({ generate_audio: false, seed: 42, metadata: { user: 'u-17' } });
    expect(video.image_url).toMatch(new RegExp(`^${stack.emulator?.url}/files/`));
    expect((stack.emulator?.stats().uploads ?? 0) - uploads).toBe(1);
    const job = await stack.waitForJob(video.id, ['completed', 'failed']);
    expect(job.state).toBe('completed');
    expect(job.falEndpoint).toBe('fal-ai/bytedance/seedance/v1.5/pro/image-to-video');
  });

  it('refuses an input_reference that is not an image', async () => {
    const form = new FormData();
    form.set('prompt', 'x');
    form.set('input_reference', new File(['hello'], 'a.txt', { type: 'text/plain' }));
    expect(await errorOf(await stack.api('/v1/videos', { method: 'POST', body: form }))).toMatchObject({
      param: 'input_reference',
    });
  });
});

describe('listing, isolation, deletion, content', () => {
  it('pages a tenant’s videos newest first by default, with cursors', async () => {
    const tenant = 'rly_pager_tenant_key_0000000';
    const paged = await startTestStack({ env: { REELAY_API_KEYS: `pager:${tenant}` } });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await paged.api('/v1/videos', json({ prompt: `n${i}`, seconds: '4' }, tenant));
        ids.push((await response.json()).id);
      }
      const first = await (await paged.api('/v1/videos?limit=2', { key: tenant })).json();
      expect(first).toMatchObject({ object: 'list', first_id: ids[4], last_id: ids[3], has_more: true });
      expect(first.data.map((v: VideoObject) => v.id)).toEqual([ids[4], ids[3]]);
      const second = await (
        await paged.api(`/v1/videos?limit=2&after=${first.last_id}`, { key: tenant })
      ).json();
      expect(second.data.map((v: VideoObject) => v.id)).toEqual([ids[2], ids[1]]);
      const last = await (
        await paged.api(`/v1/videos?limit=2&after=${second.last_id}`, { key: tenant })
      ).json();
      expect(last).toMatchObject({ data: [{ id: ids[0] }], has_more: false });
      const asc = await (await paged.api('/v1/videos?order=asc&limit=3', { key: tenant })).json();
      expect(asc.data.map((v: VideoObject) => v.id)).toEqual(ids.slice(0, 3));
      const empty = await (await paged.api('/v1/videos?limit=10', { key: paged.apiKey })).json();
      expect(empty).toEqual({ object: 'list', data: [], first_id: null, last_id: null, has_more: false });
    } finally {
      await paged.close();
    }
  });

  it('another tenant’s video is a 404 on every route, and stays untouched', async () => {
    const video = await stack.createVideo({ prompt: 'mine', seconds: '4' });
    const job = await stack.waitForEnd(video.id);
    expect(job.state).toBe('completed');
    for (const [path, method] of [
      [`/v1/videos/${video.id}`, 'GET'],
      [`/v1/videos/${video.id}/content`, 'GET'],
      [`/v1/videos/${video.id}`, 'DELETE'],
    ] as const) {
      expect(await errorOf(await stack.api(path, { method, key: OTHER_KEY }))).toMatchObject({ status: 404 });
    }
    expect((await listAll(OTHER_KEY)).map((v) => v.id)).not.toContain(video.id);
    expect(await stack.job(video.id)).toEqual(job);
  });

  it('content is 409 video_not_ready until completed, for every variant; an unknown variant is a 400', async () => {
    const video = await stack.createVideo({ prompt: 'not yet [fal:drop_webhook]', seconds: '4' });
    expect(await errorOf(await stack.api(`/v1/videos/${video.id}/content`))).toMatchObject({
      status: 409,
      code: 'video_not_ready',
    });
    expect(await errorOf(await stack.api(`/v1/videos/${video.id}/content?variant=thumbnail`))).toMatchObject({
      status: 409,
      code: 'video_not_ready',
    });
    expect(await errorOf(await stack.api(`/v1/videos/${video.id}/content?variant=poster`))).toMatchObject({
      status: 400,
      param: 'variant',
    });
  });

  it('deleting a running video cancels it at fal; afterwards it is a 404 everywhere', async () => {
    stack.emulator?.setGenerationMs(60_000);
    const video = await stack.createVideo({ prompt: 'changed my mind', seconds: '4' });
    const { requestId } = await stack.waitForJob(video.id, ['submitted']);
    const response = await stack.api(`/v1/videos/${video.id}`, { method: 'DELETE' });
    expect(await response.json()).toEqual({ id: video.id, object: 'video.deleted', deleted: true });
    stack.emulator?.setGenerationMs(150);
    expect(stack.emulator?.request(requestId as string)?.outcome).toBe('cancelled');
    expect(await stack.job(video.id)).toMatchObject({ state: 'failed', error: { code: 'cancelled' } });
    expect((await stack.api(`/v1/videos/${video.id}`)).status).toBe(404);
    expect((await stack.api(`/v1/videos/${video.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await listAll(stack.apiKey)).map((v) => v.id)).not.toContain(video.id);
  });

  it('deleting a completed video removes the archived object', async () => {
    const video = await stack.createVideo({ prompt: 'short-lived', seconds: '4' });
    await stack.waitForJob(video.id, ['completed']);
    const location = (await stack.api(`/v1/videos/${video.id}/content`)).headers.get('location') ?? '';
    expect((await fetch(location)).status).toBe(200);
    expect((await stack.api(`/v1/videos/${video.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(location)).status).toBe(404);
    expect((await stack.api(`/v1/videos/${video.id}/content`)).status).toBe(404);
  });
});

describe('catalog and documentation', () => {
  it('lists every model with its options and prices', async () => {
    const models = await (await stack.api('/v1/models')).json();
    expect(models.data.map((m: { id: string }) => m.id)).toEqual([
      'seedance-1.5-pro',
      'sora-2',
      'sora-2-pro',
      'kling-2.5-turbo-pro',
      'veo-3.1',
    ]);
    const kling = models.data.find((m: { id: string }) => m.id === 'kling-2.5-turbo-pro');
    expect(kling).toMatchObject({
      seconds: ['5', '10'],
      options: ['negative_prompt'],
      default_size: '1920x1080',
    });
    expect(models.data.find((m: { id: string }) => m.id === 'sora-2').aliases).toContain('sora-2-2025-10-06');
    expect(kling.pricing).toEqual([
      { seconds: '5', size: '1920x1080', estimated_cost_usd: 0.35 },
      { seconds: '10', size: '1920x1080', estimated_cost_usd: 0.7 },
    ]);
  });

  it('publishes an OpenAPI 3.1 document generated from the schemas', async () => {
    const doc = await (await stack.api('/openapi.json', { key: null })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/healthz',
      '/v1/callback_secret',
      '/v1/callback_secret/rotate',
      '/v1/events/tokens',
      '/v1/models',
      '/v1/prompts/enhance',
      '/v1/sequences',
      '/v1/sequences/{sequence_id}',
      '/v1/stats',
      '/v1/styles',
      '/v1/videos',
      '/v1/videos/edits',
      '/v1/videos/extensions',
      '/v1/videos/{video_id}',
      '/v1/videos/{video_id}/content',
      '/v1/videos/{video_id}/feedback',
      '/v1/videos/{video_id}/remix',
      '/v1/webhook_endpoints',
      '/v1/webhook_endpoints/{webhook_endpoint_id}',
      '/v1/webhook_endpoints/{webhook_endpoint_id}/deliveries',
      '/v1/webhook_endpoints/{webhook_endpoint_id}/rotate_secret',
      '/v1/webhook_endpoints/{webhook_endpoint_id}/test',
      '/v1/webhook_event_types',
    ]);
    expect(Object.keys(doc.paths['/v1/videos'].post.requestBody.content)).toEqual([
      'application/json',
      'multipart/form-data',
    ]);
    expect(doc.components.schemas.Video.required).toContain('estimated_cost_usd');
    expect(doc.components.schemas.CreateVideoRequest.properties.prompt).toBeDefined();
  });
});
