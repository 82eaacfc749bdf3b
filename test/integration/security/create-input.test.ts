import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

/** A real 1×1 PNG; its IHDR is rewritten below to claim other sizes. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
function pngClaiming(width: number, height: number): Buffer {
  const bytes = Buffer.from(PNG);
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes;
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

async function refusal(response: Response) {
  expect(response.status).toBe(400);
  return (await response.json()).error;
}

/** The ids of the tenant's videos: what a refused create must not add to (earlier videos may move on meanwhile). */
async function jobsOf(key?: string) {
  const response = await stack.api('/v1/videos?limit=100', key ? { key } : {});
  return ((await response.json()).data as Array<{ id: string }>).map((video) => video.id);
}

describe('input_reference files are images before anything is uploaded (L1)', () => {
  it.each([
    [
      'HTML sent as image/png',
      Buffer.from('<!doctype html><script>alert(document.cookie)</script>'),
      'image/png',
    ],
    ['a PNG sent as image/jpeg', PNG, 'image/jpeg'],
    ['a PNG claiming 100000×1', pngClaiming(100_000, 1), 'image/png'],
    ['a PNG claiming 0×0', pngClaiming(0, 0), 'image/png'],
  ])('refuses %s, uploading nothing', async (_, bytes, type) => {
    const uploads = stack.emulator?.stats().uploads;
    const form = new FormData();
    form.set('prompt', 'bring this to life');
    form.set('input_reference', new File([new Uint8Array(bytes)], 'start.png', { type }));
    const error = await refusal(await stack.api('/v1/videos', { method: 'POST', body: form }));
    expect(error).toMatchObject({ code: 'invalid_request', param: 'input_reference' });
    expect(stack.emulator?.stats().uploads).toBe(uploads);
  });
});

describe('metadata keys are text, and __proto__ is refused (L3)', () => {
  it.each([
    ['a NUL', '{"k\\u0000": "v"}'],
    ['a lone surrogate', '{"\\ud800": "v"}'],
    ['an escape code', '{"x\\u001b[31m": "v"}'],
    ['__proto__', '{"__proto__": "v"}'],
    ['__proto__ beside an ordinary key', '{"a": "b", "__proto__": "v"}'],
  ])('refuses a JSON key with %s and stores nothing', async (_, metadata) => {
    const before = await jobsOf();
    const response = await stack.api('/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"prompt": "a fox", "metadata": ${metadata}}`,
    });
    const error = await refusal(response);
    expect(error.param).toMatch(/^metadata/);
    expect(await jobsOf()).toEqual(before);
  });

  it('refuses metadata[__proto__] in a form', async () => {
    const form = new FormData();
    form.set('prompt', 'a fox');
    form.set('metadata[__proto__]', 'v');
    const error = await refusal(await stack.api('/v1/videos', { method: 'POST', body: form }));
    expect(error).toMatchObject({ param: 'metadata.__proto__' });
  });
});

describe('client URLs: the URL checked is the URL stored and sent to fal (M2)', () => {
  it('forwards the normalised form', async () => {
    const host = new URL(stack.emulator?.url ?? '').host;
    const response = await stack.api('/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a fox', image_url: `HTTP://${host}/files/a/../cat.png` }),
    });
    expect(response.status).toBe(200);
    const video = await response.json();
    const normalised = `http://${host}/files/cat.png`;
    expect(video.image_url).toBe(normalised);
    const job = await stack.job(video.id);
    expect(job.spec.imageUrl).toBe(normalised);
    expect(job.falInput.image_url).toBe(normalised);
  });

  it.each([
    'https://93.184.216.34\\@169.254.169.254/x.png',
    'https://example.com/a\u0000.png',
    'https://[64:ff9b:1::a9fe:a9fe]/a.png',
    'https://198.51.100.7/a.png',
  ])('refuses %j and stores nothing', async (url) => {
    const before = await jobsOf();
    for (const field of ['image_url', 'callback_url']) {
      const response = await stack.api('/v1/videos', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'a fox', [field]: url }),
      });
      expect((await refusal(response)).param).toBe(field);
    }
    expect(await jobsOf()).toEqual(before);
  });
});
