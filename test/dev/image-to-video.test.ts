import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { falClientFor, falFetch, submitOk, waitForCompletion } from '../support/fal-calls.ts';
import { useTestEmulator } from '../support/fal-emulator.ts';

const I2V = 'fal-ai/kling-video/v2.5-turbo/pro/image-to-video';
// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('image-to-video input images', () => {
  const emulator = useTestEmulator();
  let imageHost: ReturnType<typeof createServer>;
  let hostUrl: string;
  beforeAll(async () => {
    imageHost = createServer((req, res) => {
      if (req.url === '/cat.png') res.writeHead(200, { 'Content-Type': 'image/png' }).end(PNG);
      else if (req.url === '/text.png')
        res.writeHead(200, { 'Content-Type': 'image/png' }).end('not an image at all');
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => imageHost.listen(0, '127.0.0.1', resolve));
    hostUrl = `http://127.0.0.1:${(imageHost.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => imageHost.close(resolve)));

  it('generates from a downloadable image', async () => {
    const { request_id } = await submitOk(emulator, I2V, { prompt: 'x', image_url: `${hostUrl}/cat.png` });
    expect((await waitForCompletion(emulator, request_id)).outcome).toBe('ok');
  });

  it('generates from an image uploaded to the emulator storage (read without touching CDN stats)', async () => {
    const { client } = falClientFor(emulator);
    const imageUrl = await client.storage.upload(new Blob([PNG], { type: 'image/png' }));
    const downloads = emulator.stats().cdnDownloads;
    const { request_id } = await submitOk(emulator, I2V, { prompt: 'x', image_url: imageUrl });
    expect((await waitForCompletion(emulator, request_id)).outcome).toBe('ok');
    expect(emulator.stats().cdnDownloads).toBe(downloads);
  });

  it('accepts a data URI', async () => {
    const dataUri = `data:image/png;base64,${PNG.toString('base64')}`;
    const { request_id } = await submitOk(emulator, I2V, { prompt: 'x', image_url: dataUri });
    expect((await waitForCompletion(emulator, request_id)).outcome).toBe('ok');
  });

  it('an unreachable image is file_download_error (422)', async () => {
    const imageUrl = `${hostUrl}/missing.png`;
    const submitted = await submitOk(emulator, I2V, { prompt: 'x', image_url: imageUrl });
    await waitForCompletion(emulator, submitted.request_id);
    const result = await falFetch(submitted.response_url);
    expect(result.status).toBe(422);
    expect(await result.json()).toMatchObject({
      detail: [{ loc: ['body', 'image_url'], type: 'file_download_error', input: imageUrl }],
    });
  });

  it('bytes that are not an image are image_load_error (422)', async () => {
    const submitted = await submitOk(emulator, I2V, { prompt: 'x', image_url: `${hostUrl}/text.png` });
    await waitForCompletion(emulator, submitted.request_id);
    const result = await falFetch(submitted.response_url);
    expect(result.status).toBe(422);
    expect(await result.json()).toMatchObject({
      detail: [{ loc: ['body', 'image_url'], type: 'image_load_error' }],
    });
  });

  it('checks the optional tail image too', async () => {
    const submitted = await submitOk(emulator, I2V, {
      prompt: 'x',
      image_url: `${hostUrl}/cat.png`,
      tail_image_url: `${hostUrl}/gone.png`,
    });
    await waitForCompletion(emulator, submitted.request_id);
    expect(await (await falFetch(submitted.response_url)).json()).toMatchObject({
      detail: [{ loc: ['body', 'tail_image_url'], type: 'file_download_error' }],
    });
  });
});
