import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FalEmulator, readMp4Header } from '../../dev/fal-emulator/index.ts';
import { solidPng } from '../../dev/fal-emulator/video/png.ts';
import { submitOk, waitForCompletion } from '../support/fal-calls.ts';
import { startTestEmulator } from '../support/fal-emulator.ts';

const pngUri = (width: number, height: number) =>
  `data:image/png;base64,${solidPng(width, height, [200, 40, 40]).toString('base64')}`;

/** fal's models answer with the frame size and duration the input asked for; so does the emulator. */
describe('the emulator’s video follows the request', () => {
  let emulator: FalEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator.close());

  async function output(endpointId: string, input: Record<string, unknown>) {
    const { request_id } = await submitOk(emulator, endpointId, { prompt: 'a fox', ...input });
    const { videoUrl } = await waitForCompletion(emulator, request_id);
    const bytes = Buffer.from(await (await fetch(videoUrl ?? '')).arrayBuffer());
    expect(bytes.equals(await emulator.outputBytes(request_id))).toBe(true);
    return readMp4Header(bytes);
  }

  const cases: Array<
    [string, Record<string, unknown>, { width: number; height: number; durationSeconds: number }]
  > = [
    [
      'fal-ai/bytedance/seedance/v1.5/pro/text-to-video',
      {},
      { width: 1280, height: 720, durationSeconds: 5 },
    ],
    [
      'fal-ai/bytedance/seedance/v1.5/pro/text-to-video',
      { duration: '7', resolution: '480p', aspect_ratio: '9:16' },
      { width: 480, height: 854, durationSeconds: 7 },
    ],
    [
      'fal-ai/bytedance/seedance/v1.5/pro/text-to-video',
      { duration: '12', resolution: '1080p', aspect_ratio: '21:9' },
      { width: 2520, height: 1080, durationSeconds: 12 },
    ],
    [
      'fal-ai/sora-2/text-to-video',
      { duration: 8, aspect_ratio: '9:16' },
      { width: 720, height: 1280, durationSeconds: 8 },
    ],
    ['fal-ai/sora-2/text-to-video/pro', { duration: '4' }, { width: 1792, height: 1024, durationSeconds: 4 }],
    [
      'fal-ai/sora-2/text-to-video/pro',
      { duration: '12', resolution: 'true_1080p', aspect_ratio: '9:16' },
      { width: 1080, height: 1920, durationSeconds: 12 },
    ],
    [
      'fal-ai/kling-video/v2.5-turbo/pro/text-to-video',
      { duration: '10', aspect_ratio: '1:1' },
      { width: 1080, height: 1080, durationSeconds: 10 },
    ],
    [
      'fal-ai/veo3.1',
      { duration: '6s', resolution: '4k' },
      { width: 3840, height: 2160, durationSeconds: 6 },
    ],
    ['fal-ai/veo3.1', {}, { width: 1280, height: 720, durationSeconds: 8 }],
    // image-led frames take the start image's shape
    [
      'fal-ai/bytedance/seedance/v1.5/pro/image-to-video',
      { image_url: pngUri(600, 800), aspect_ratio: 'auto', duration: '4' },
      { width: 720, height: 960, durationSeconds: 4 },
    ],
    [
      'fal-ai/kling-video/v2.5-turbo/pro/image-to-video',
      { image_url: pngUri(500, 500) },
      { width: 1080, height: 1080, durationSeconds: 5 },
    ],
    [
      'fal-ai/bytedance/seedance/v1.5/pro/image-to-video',
      { image_url: pngUri(400, 300), aspect_ratio: '9:16', duration: '4' },
      { width: 720, height: 1280, durationSeconds: 4 },
    ],
    // within the models' range of shapes, however freakish the image
    [
      'fal-ai/bytedance/seedance/v1.5/pro/image-to-video',
      { image_url: pngUri(4000, 16), aspect_ratio: 'auto', duration: '4' },
      { width: 1680, height: 720, durationSeconds: 4 },
    ],
  ];
  for (const [endpointId, input, expected] of cases) {
    it(`${endpointId} ${JSON.stringify(input)} → ${expected.width}x${expected.height}, ${expected.durationSeconds} s`, async () => {
      expect(await output(endpointId, input)).toEqual(expected);
    });
  }
});
