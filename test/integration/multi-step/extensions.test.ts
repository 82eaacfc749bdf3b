import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMp4Header } from '../../../dev/fal-emulator/index.ts';
import type { VideoObject } from '../../../functions/core/domain/video-object.ts';
import { falRequestsOf } from '../../support/fal-requests.ts';
import { OTHER_KEY } from '../../support/other-tenant.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

let stack: TestStack;
let client: OpenAI;
beforeAll(async () => {
  stack = await startTestStack();
  client = new OpenAI({ apiKey: stack.apiKey, baseURL: `${stack.url}/v1`, maxRetries: 0 });
});
afterAll(() => stack.close());

function extend(body: unknown, key?: string): Promise<Response> {
  return stack.api('/v1/videos/extensions', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    ...(key && { key }),
  });
}

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

  it('extends a Veo video by Veo’s own extension: one request, the stitched clip archived', async () => {
    const source = await stack.createVideo({ prompt: 'a glacier calving', model: 'veo-3.1', seconds: '8' });
    expect((await stack.waitForEnd(source.id)).state).toBe('completed');
    const response = await extend({
      video: { id: source.id },
      prompt: 'the wave reaches the boat',
      seconds: '7',
    });
    expect(response.status).toBe(200);
    const video = (await response.json()) as VideoObject;
    expect(video).toMatchObject({ seconds: '15', extended_from_video_id: source.id });
    const job = await stack.waitForEnd(video.id);
    expect(job.state).toBe('completed');
    expect(falRequestsOf(stack, video.id).map((request) => request.endpointId)).toEqual([
      'fal-ai/veo3.1/extend-video',
    ]);
    expect(falRequestsOf(stack, video.id)[0]?.input).toMatchObject({ duration: '7s', resolution: '720p' });
    expect(readMp4Header(await download(video.id)).durationSeconds).toBe(15);
    // Veo's other lengths go by frames through Veo's image-to-video
    const byFrames = (await (
      await extend({ video: { id: source.id }, prompt: 'and again', seconds: '4' })
    ).json()) as VideoObject;
    expect((await stack.waitForEnd(byFrames.id)).state).toBe('completed');
    expect(falRequestsOf(stack, byFrames.id).map((request) => request.endpointId)).toEqual([
      'fal-ai/ffmpeg-api/extract-frame',
      'fal-ai/veo3.1/image-to-video',
      'fal-ai/ffmpeg-api/merge-videos',
    ]);
  });

  it('answers curl-able JSON, refuses what OpenAI refuses with a 400, and keeps tenants apart', async () => {
    const source = await stack.createVideo({ prompt: 'a kite', seconds: '4' });
    const early = await extend({ video: { id: source.id }, prompt: 'too soon', seconds: '4' });
    expect(early.status).toBe(400);
    expect(await early.json()).toMatchObject({ error: { code: 'invalid_request', param: 'video' } });
    expect((await stack.waitForEnd(source.id)).state).toBe('completed');
    const before = stack.emulator?.requests().length;
    for (const [body, param] of [
      [{ video: { id: source.id }, prompt: 'long', seconds: '24' }, 'seconds'],
      [{ video: { id: source.id }, prompt: 'beyond the model', seconds: '16' }, 'seconds'],
      [{ video: { id: source.id }, prompt: '', seconds: '4' }, 'prompt'],
      [{ video: { id: source.id }, prompt: 'x' }, 'seconds'],
      [{ video: {}, prompt: 'x', seconds: '4' }, 'video.id'],
      [{ video: { id: source.id, url: 'https://x' }, prompt: 'x', seconds: '4' }, 'video.url'],
    ] as const) {
      const response = await extend(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as { error: { param: string } }).error.param).toBe(param);
    }
    // a missing length says what to send, not zod's "Invalid input"
    const noSeconds = await extend({ video: { id: source.id }, prompt: 'x' });
    expect(((await noSeconds.json()) as { error: { message: string } }).error.message).toMatch(
      /seconds is required/,
    );
    expect(stack.emulator?.requests().length).toBe(before);
    // someone else's video, or one that does not exist, is a 404, never extended
    const theirs = await extend({ video: { id: source.id }, prompt: 'not yours', seconds: '4' }, OTHER_KEY);
    expect(theirs.status).toBe(404);
    expect(await theirs.json()).toMatchObject({ error: { code: 'not_found' } });
    const missing = await extend({
      video: { id: 'video_019f6af7308800000000000000000000' },
      prompt: 'x',
      seconds: '4',
    });
    expect(missing.status).toBe(404);
    expect(stack.emulator?.requests().length).toBe(before);
  });
});
