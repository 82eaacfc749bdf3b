import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMp4Header } from '../../../dev/fal-emulator/index.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

let stack: TestStack;
let client: OpenAI;
beforeAll(async () => {
  stack = await startTestStack();
  client = new OpenAI({ apiKey: stack.apiKey, baseURL: `${stack.url}/v1`, maxRetries: 0 });
});
afterAll(() => stack.close());

async function download(id: string): Promise<Buffer> {
  const content = await client.videos.downloadContent(id);
  return Buffer.from(await content.arrayBuffer());
}

describe('extensions', () => {
  it('extends a video twice with the openai SDK: frame, new clip, merge, each a recorded step', async () => {
    const source = await stack.createVideo({
      prompt: 'a fox in snow',
      model: 'seedance-1.5-pro',
      seconds: '4',
    });
    expect((await stack.waitForEnd(source.id)).state).toBe('completed');

    const first = await client.videos.extend({
      video: { id: source.id },
      prompt: 'the fox runs on',
      seconds: '4',
    });
    expect(first).toMatchObject({ object: 'video', seconds: '8', extended_from_video_id: source.id });
    const job = await stack.waitForEnd(first.id);
    expect(job.state).toBe('completed');
    expect(job.plan?.steps.map((step) => [step.endpoint, step.requestId !== undefined])).toEqual([
      ['fal-ai/ffmpeg-api/extract-frame', true],
      ['fal-ai/bytedance/seedance/v1.5/pro/image-to-video', true],
      ['fal-ai/ffmpeg-api/merge-videos', false],
    ]);
    expect(readMp4Header(await download(first.id)).durationSeconds).toBe(8);

    const second = await client.videos.extend({
      video: { id: first.id },
      prompt: 'into the woods',
      seconds: '4',
    });
    expect((await stack.waitForEnd(second.id)).state).toBe('completed');
    expect(readMp4Header(await download(second.id)).durationSeconds).toBe(12);
    expect(await client.videos.retrieve(second.id)).toMatchObject({
      status: 'completed',
      progress: 100,
      seconds: '12',
      extended_from_video_id: first.id,
    });
  });
});
