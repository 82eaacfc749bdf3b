import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMp4Header } from '../../dev/fal-emulator/index.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

/** What a client downloads has the size and length it asked for, whatever the model and its vocabulary. */
describe('the archived video follows the create request', () => {
  const cases: Array<[Record<string, unknown>, { width: number; height: number; durationSeconds: number }]> =
    [
      [
        { model: 'sora-2', size: '720x1280', seconds: '8' },
        { width: 720, height: 1280, durationSeconds: 8 },
      ],
      [
        { model: 'seedance-1.5-pro', size: '1920x1080', seconds: '6' },
        { width: 1920, height: 1080, durationSeconds: 6 },
      ],
      [
        { model: 'seedance-1.5-pro', resolution: '480p', aspect_ratio: '1:1', seconds: '4' },
        { width: 480, height: 480, durationSeconds: 4 },
      ],
      [
        { model: 'kling-2.5-turbo-pro', size: '1080x1920', seconds: '10' },
        { width: 1080, height: 1920, durationSeconds: 10 },
      ],
    ];
  for (const [request, expected] of cases) {
    it(`${JSON.stringify(request)} → ${expected.width}x${expected.height}, ${expected.durationSeconds} s`, async () => {
      const video = await stack.createVideo({ prompt: 'a paper boat on a stream', ...request });
      expect(video.size).toBe(`${expected.width}x${expected.height}`);
      expect(video.seconds).toBe(String(expected.durationSeconds));
      expect((await stack.settle(video.id)).state).toBe('completed');
      const content = await stack.api(`/v1/videos/${video.id}/content`);
      expect(content.status).toBe(302);
      const bytes = Buffer.from(await (await fetch(content.headers.get('location') ?? '')).arrayBuffer());
      expect(readMp4Header(bytes)).toEqual(expected);
    });
  }
});
