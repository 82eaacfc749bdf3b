import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_KEY } from '../../support/other-tenant.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

let stack: TestStack;
let client: OpenAI;
beforeAll(async () => {
  stack = await startTestStack({ env: { REELAY_THUMBNAILS: 'true', REELAY_ACTUAL_COST: 'fal' } });
  client = new OpenAI({ apiKey: stack.apiKey, baseURL: `${stack.url}/v1`, maxRetries: 0 });
});
afterAll(() => stack.close());

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function completed(body: Record<string, unknown>): Promise<string> {
  const video = await stack.createVideo(body);
  expect((await stack.waitForEnd(video.id)).state).toBe('completed');
  return video.id;
}

async function variant(id: string, name: string): Promise<{ type: string | null; bytes: Buffer }> {
  const content = await client.videos.downloadContent(id, { variant: name as 'thumbnail' });
  return { type: content.headers.get('content-type'), bytes: Buffer.from(await content.arrayBuffer()) };
}

describe('thumbnails and spritesheets beside the video', () => {
  it('a Sora video serves fal’s thumbnail and spritesheet, as the images they are', async () => {
    const id = await completed({ prompt: 'a boat', model: 'sora-2', seconds: '8', size: '1280x720' });
    const thumbnail = await variant(id, 'thumbnail');
    expect(thumbnail.type).toBe('image/png');
    expect(thumbnail.bytes.subarray(0, 8)).toEqual(PNG_MAGIC);
    expect([thumbnail.bytes.readUInt32BE(16), thumbnail.bytes.readUInt32BE(20)]).toEqual([1280, 720]);
    const sprites = await variant(id, 'spritesheet');
    expect(sprites.bytes.subarray(0, 8)).toEqual(PNG_MAGIC);
    // eight seconds, five tiles of 160 px to a row
    expect([sprites.bytes.readUInt32BE(16), sprites.bytes.readUInt32BE(20)]).toEqual([800, 180]);
    // the list and retrieve answers carry no image data
    const retrieved = await stack.api(`/v1/videos/${id}`);
    expect((await retrieved.text()).length).toBeLessThan(2_000);
  });

  it('another model’s video gets a thumbnail from fal’s extract-frame, and no spritesheet (404 in the envelope)', async () => {
    const before = stack.emulator?.stats().submitsByEndpoint['fal-ai/ffmpeg-api/extract-frame'] ?? 0;
    const id = await completed({
      prompt: 'a fox',
      model: 'seedance-1.5-pro',
      seconds: '4',
      size: '720x1280',
    });
    expect(stack.emulator?.stats().submitsByEndpoint['fal-ai/ffmpeg-api/extract-frame']).toBe(before + 1);
    const thumbnail = await variant(id, 'thumbnail');
    expect(thumbnail.bytes.subarray(0, 8)).toEqual(PNG_MAGIC);
    expect([thumbnail.bytes.readUInt32BE(16), thumbnail.bytes.readUInt32BE(20)]).toEqual([720, 1280]);

    const missing = await stack.api(`/v1/videos/${id}/content?variant=spritesheet`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toMatchObject({ code: 'not_found', param: 'variant' });
    const redirect = await stack.api(`/v1/videos/${id}/content?variant=thumbnail`);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toContain('.thumbnail.png');
    const theirs = await stack.api(`/v1/videos/${id}/content?variant=thumbnail`, { key: OTHER_KEY });
    expect(theirs.status).toBe(404);
  });

  it('the thumbnail’s extract-frame is billed to its video, beside the generation', async () => {
    const id = await completed({ prompt: 'a fox', model: 'seedance-1.5-pro', seconds: '4' });
    const job = await stack.job(id);
    const video = await (await stack.api(`/v1/videos/${id}`)).json();
    const frame = video.fal_costs?.find(
      (cost: { endpoint: string }) => cost.endpoint === 'fal-ai/ffmpeg-api/extract-frame',
    );
    expect(frame).toMatchObject({ billed: true, units: 1, unit_price_usd: 0.0005, cost_usd: 0.0005 });
    expect(frame.request_id).not.toBe(job.requestId);
    const generation = video.fal_costs?.find(
      (cost: { request_id: string }) => cost.request_id === job.requestId,
    );
    expect(video.fal_costs).toHaveLength(2);
    expect(video.cost_usd).toBeCloseTo(generation.cost_usd + frame.cost_usd, 6);
  });

  it('a failed thumbnail neither fails nor holds the video: the variant is then absent', async () => {
    stack.emulator?.injectFault({
      on: 'generation',
      error: 'internal_server_error',
      match: { endpoint: 'fal-ai/ffmpeg-api/extract-frame' },
    });
    const id = await completed({ prompt: 'a fox', model: 'seedance-1.5-pro', seconds: '4' });
    const job = await stack.job(id);
    expect(job.images?.thumbnail).toBeUndefined();
    expect((await stack.api(`/v1/videos/${id}/content?variant=thumbnail`)).status).toBe(404);
    expect((await stack.api(`/v1/videos/${id}/content`)).status).toBe(302);
  });

  it('deleting the video removes its images too', async () => {
    const id = await completed({ prompt: 'a boat', model: 'sora-2', seconds: '4' });
    const job = await stack.job(id);
    const keys = Object.values(job.images ?? {}).map((image) => image.key);
    expect(keys).toHaveLength(2);
    await client.videos.delete(id);
    for (const key of keys) expect(await stack.deps.archive.stat(key)).toBeUndefined();
  });

  it('GET /v1/models says which models give which images', async () => {
    const { data } = (await (await stack.api('/v1/models')).json()) as {
      data: { id: string; capabilities: { thumbnail: string | null; spritesheet: boolean } }[];
    };
    const of = (id: string) => data.find((model) => model.id === id)?.capabilities;
    expect(of('sora-2')).toMatchObject({ thumbnail: 'model', spritesheet: true });
    expect(of('kling-2.5-turbo-pro')).toMatchObject({ thumbnail: 'extracted_frame', spritesheet: false });
  });
});
