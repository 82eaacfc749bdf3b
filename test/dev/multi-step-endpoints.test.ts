import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'lossless-json';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clipSpec, readMp4Header, renderClip } from '../../dev/fal-emulator/index.ts';
import { falClientFor, falFetch, submitOk, waitForCompletion } from '../support/fal-calls.ts';
import { SEEDANCE_T2V, useTestEmulator } from '../support/fal-emulator.ts';
import { type Receiver, startReceiver, verifyDelivery } from '../support/webhook-receiver.ts';

const EXTRACT = 'fal-ai/ffmpeg-api/extract-frame';
const METADATA = 'fal-ai/ffmpeg-api/metadata';
const MERGE = 'fal-ai/ffmpeg-api/merge-videos';
const SORA = 'fal-ai/sora-2/text-to-video';
const REMIX = 'fal-ai/sora-2/video-to-video/remix';
const KLING_EDIT = 'fal-ai/kling-video/o3/pro/video-to-video/edit';

interface FalFile {
  url: string;
  content_type: string;
  width?: number;
  height?: number;
}

async function result<T>(responseUrl: string): Promise<{ status: number; body: T }> {
  const response = await falFetch(responseUrl);
  return { status: response.status, body: (await response.json()) as T };
}

async function bytesOf(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

/** Width and height from a PNG's IHDR, after checking its signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('multi-step building blocks: ffmpeg-api, Veo extend, Sora remix, Kling O3 edit', () => {
  const emulator = useTestEmulator();
  // Another origin serving MP4s, the way an S3 presigned URL is not the emulator's own CDN.
  let host: ReturnType<typeof createServer>;
  let hostUrl: string;
  const served = new Map<string, Buffer>();
  beforeAll(async () => {
    host = createServer((req, res) => {
      const bytes = served.get(req.url ?? '');
      if (bytes) res.writeHead(200, { 'Content-Type': 'video/mp4' }).end(bytes);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    served.set('/twelve.mp4', renderClip(clipSpec({ width: 1280, height: 720, seconds: 12, seed: 'long' })));
    served.set('/five.mp4', renderClip(clipSpec({ width: 1280, height: 720, seconds: 5, seed: 'five' })));
    served.set('/text.mp4', Buffer.from('this is not a video, just some text for the test'));
  });
  afterAll(() => new Promise((resolve) => host.close(resolve)));

  async function generated(endpoint: string, input: Record<string, unknown>): Promise<string> {
    const { request_id } = await submitOk(emulator, endpoint, input);
    const done = await waitForCompletion(emulator, request_id);
    if (!done.videoUrl) throw new Error('no video');
    return done.videoUrl;
  }

  it('extract-frame answers a PNG of the source frame size at first, middle or last', async () => {
    const source = await generated(SEEDANCE_T2V, { prompt: 'x', duration: '4', aspect_ratio: '9:16' });
    for (const frame_type of ['first', 'last'] as const) {
      const submitted = await submitOk(emulator, EXTRACT, { video_url: source, frame_type });
      await waitForCompletion(emulator, submitted.request_id);
      const { status, body } = await result<{ images: FalFile[] }>(submitted.response_url);
      expect(status).toBe(200);
      const [image] = body.images;
      expect(image).toMatchObject({ content_type: 'image/png', width: 720, height: 1280 });
      expect(pngSize(await bytesOf(image?.url ?? ''))).toEqual({ width: 720, height: 1280 });
    }
  });

  it('metadata reads duration, fps and frame size from the real media, with frame URLs on request', async () => {
    const submitted = await submitOk(emulator, METADATA, {
      media_url: `${hostUrl}/five.mp4`,
      extract_frames: true,
    });
    await waitForCompletion(emulator, submitted.request_id);
    const { body } = await result<{ media: Record<string, unknown> }>(submitted.response_url);
    expect(body.media).toMatchObject({
      media_type: 'video',
      duration: 5,
      fps: 24,
      frame_count: 120,
      resolution: { width: 1280, height: 720, aspect_ratio: '16:9' },
    });
    expect(pngSize(await bytesOf(String(body.media.end_frame_url)))).toEqual({ width: 1280, height: 720 });
  });

  it('merge-videos through the real fal client: 4 s and 5 s make a playable 9 s clip at the first size', async () => {
    const four = await generated(SEEDANCE_T2V, { prompt: 'a', duration: '4' });
    const { client } = falClientFor(emulator);
    const answer = await client.queue.submit(MERGE, { input: { video_urls: [four, `${hostUrl}/five.mp4`] } });
    await waitForCompletion(emulator, answer.request_id);
    const { data } = await client.queue.result(MERGE, { requestId: answer.request_id });
    const merged = data as { video: FalFile; metadata: { duration: number } };
    expect(merged.metadata.duration).toBe(9);
    const header = readMp4Header(await bytesOf(merged.video.url));
    expect(header).toEqual({ width: 1280, height: 720, durationSeconds: 9 });
  });

  it('bills an ffmpeg call by compute seconds, a fraction of a cent, not as seconds of video', async () => {
    const four = await generated(SEEDANCE_T2V, { prompt: 'a', duration: '4' });
    const merge = await submitOk(emulator, MERGE, { video_urls: [four, `${hostUrl}/five.mp4`] });
    await waitForCompletion(emulator, merge.request_id);
    const merged = await falFetch(merge.response_url);
    expect(merged.headers.get('x-fal-billable-units')).toBe('1');
    const pricing = await falFetch(`${emulator.url}/v1/models/pricing?endpoint_id=${MERGE},${SEEDANCE_T2V}`);
    const { prices } = (await pricing.json()) as {
      prices: { endpoint_id: string; unit_price: number; unit: string }[];
    };
    expect(prices).toEqual([
      expect.objectContaining({ endpoint_id: MERGE, unit: 'compute_second', unit_price: 0.0005 }),
      expect.objectContaining({ endpoint_id: SEEDANCE_T2V, unit: 'second', unit_price: 0.05 }),
    ]);
  });

  it('merge-videos refuses fewer than two URLs like pydantic (422, min_items)', async () => {
    const response = await falFetch(`${emulator.url}/${MERGE}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ video_urls: ['https://v3.fal.media/files/a.mp4'] }),
    });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      detail: [{ loc: ['body', 'video_urls'], type: 'value_error.list.min_items' }],
    });
  });

  it('veo3.1 extend-video answers the source and 7 s more as one clip, at the source size', async () => {
    const source = await generated('fal-ai/veo3.1', { prompt: 'x', duration: '4s', aspect_ratio: '9:16' });
    for (const endpoint of ['fal-ai/veo3.1/extend-video', 'fal-ai/veo3.1/fast/extend-video']) {
      const extended = await generated(endpoint, { prompt: 'and then', video_url: source });
      expect(readMp4Header(await bytesOf(extended))).toEqual({
        width: 720,
        height: 1280,
        durationSeconds: 11,
      });
    }
  });

  it('Kling O3 edit keeps the source frame and length; outside 3–10 s it is the model’s 422', async () => {
    const edited = await generated(KLING_EDIT, {
      prompt: 'make @Video1 snowy',
      video_url: `${hostUrl}/five.mp4`,
    });
    expect(readMp4Header(await bytesOf(edited))).toEqual({ width: 1280, height: 720, durationSeconds: 5 });

    const tooLong = await submitOk(emulator, 'fal-ai/kling-video/o3/standard/video-to-video/edit', {
      prompt: 'x',
      video_url: `${hostUrl}/twelve.mp4`,
    });
    await waitForCompletion(emulator, tooLong.request_id);
    const refused = await result<unknown>(tooLong.response_url);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      detail: [{ loc: ['body', 'video_url'], type: 'video_duration_too_long' }],
    });
  });

  it('an unreachable video is file_download_error, bytes that are not a video unsupported_video_format', async () => {
    const cases = [
      { url: `${hostUrl}/gone.mp4`, type: 'file_download_error' },
      { url: `${hostUrl}/text.mp4`, type: 'unsupported_video_format' },
    ];
    for (const { url, type } of cases) {
      const submitted = await submitOk(emulator, EXTRACT, { video_url: url });
      await waitForCompletion(emulator, submitted.request_id);
      const refused = await result<unknown>(submitted.response_url);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ detail: [{ loc: ['body', 'video_url'], type, input: url }] });
    }
  });

  describe('Sora', () => {
    let receiver: Receiver;
    afterEach(() => receiver?.close());

    it('outputs carry video_id, a thumbnail and a spritesheet; a kept video remixes to its length', async () => {
      const kept = await submitOk(emulator, SORA, { prompt: 'a boat', duration: 8, delete_video: false });
      await waitForCompletion(emulator, kept.request_id);
      const original = await result<{
        video: FalFile;
        video_id: string;
        thumbnail: FalFile;
        spritesheet: FalFile;
      }>(kept.response_url);
      expect(original.body.video_id).toMatch(/^video_[0-9a-f]{48}$/);
      expect(original.body.thumbnail).toMatchObject({ content_type: 'image/png', width: 1280, height: 720 });
      expect(pngSize(await bytesOf(original.body.thumbnail.url))).toEqual({ width: 1280, height: 720 });
      // eight one-second scenes, five to a row
      expect(pngSize(await bytesOf(original.body.spritesheet.url))).toEqual({ width: 800, height: 180 });

      receiver = await startReceiver();
      const remix = await submitOk(
        emulator,
        REMIX,
        { video_id: original.body.video_id, prompt: 'the boat at night' },
        receiver.url,
      );
      const [delivery] = await receiver.waitFor(1);
      if (!delivery) throw new Error('no delivery');
      expect(await verifyDelivery(delivery, emulator.jwksUrl)).toBe(true);
      const body = parse(delivery.body.toString('utf8')) as {
        status: string;
        payload: { video: FalFile; video_id: string };
      };
      expect(body.status).toBe('OK');
      expect(body.payload.video_id).not.toBe(original.body.video_id);
      expect(readMp4Header(await bytesOf(body.payload.video.url)).durationSeconds).toBe(8);
      expect(emulator.request(remix.request_id)?.outcome).toBe('ok');
    });

    it('a video made with the default delete_video, or an unknown id, cannot be remixed (422)', async () => {
      const deleted = await submitOk(emulator, SORA, { prompt: 'a boat' });
      await waitForCompletion(emulator, deleted.request_id);
      const { body } = await result<{ video_id: string }>(deleted.response_url);
      for (const video_id of [body.video_id, 'video_unknown']) {
        const remix = await submitOk(emulator, REMIX, { video_id, prompt: 'x' });
        await waitForCompletion(emulator, remix.request_id);
        const refused = await result<unknown>(remix.response_url);
        expect(refused.status).toBe(422);
        expect(refused.body).toMatchObject({ detail: [{ loc: ['body', 'video_id'], input: video_id }] });
      }
    });
  });

  it('generation faults reach the new endpoints like any model (matched by endpoint)', async () => {
    emulator.injectFault({ on: 'generation', error: 'internal_server_error', match: { endpoint: MERGE } });
    const five = `${hostUrl}/five.mp4`;
    const submitted = await submitOk(emulator, MERGE, { video_urls: [five, five] });
    await waitForCompletion(emulator, submitted.request_id);
    const failed = await result<unknown>(submitted.response_url);
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ detail: [{ type: 'internal_server_error' }] });
    const retried = await submitOk(emulator, MERGE, { video_urls: [five, five] });
    expect((await waitForCompletion(emulator, retried.request_id)).outcome).toBe('ok');
  });
});
