import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { falSettled } from '../../support/fal-requests.ts';
import { messagesAbout } from '../../support/queue-messages.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

let stack: TestStack;
let client: OpenAI;
beforeAll(async () => {
  stack = await startTestStack();
  client = new OpenAI({ apiKey: stack.apiKey, baseURL: `${stack.url}/v1`, maxRetries: 0 });
});
afterAll(() => stack.close());

async function completed(body: Record<string, unknown>): Promise<string> {
  const video = await stack.createVideo(body);
  expect((await stack.waitForEnd(video.id)).state).toBe('completed');
  return video.id;
}

describe('edits through faults', () => {
  it('an edit whose webhook is lost completes through the reconciler', async () => {
    const sourceId = await completed({ prompt: 'a fox', model: 'seedance-1.5-pro', seconds: '5' });
    const edit = await client.videos.edit({ video: { id: sourceId }, prompt: 'snow [fal:drop_webhook]' });
    const submitted = await stack.waitForJob(edit.id, ['submitted']);
    const [request] = await falSettled(stack, edit.id);
    expect(request).toMatchObject({
      endpointId: 'fal-ai/kling-video/o3/pro/video-to-video/edit',
      outcome: 'ok',
    });
    expect(request?.webhook).toMatchObject({ dropped: true, attempts: 0 });
    expect(messagesAbout(stack, edit.id)).toEqual([]);
    expect((await stack.job(edit.id)).state).toBe('submitted');

    stack.advance(submitted.typicalGenerationMs + stack.deps.policy.webhookGraceMs + 1);
    await stack.reconcile();
    const job = await stack.waitForJob(edit.id, ['completed']);
    expect(job.archive?.bytes).toBeGreaterThan(0);
    expect((await client.videos.retrieve(edit.id)).remixed_from_video_id).toBe(sourceId);
  });

  it('a content-policy refusal of a remix reaches the client as the video’s error', async () => {
    const sourceId = await completed({ prompt: 'a boat', model: 'sora-2', seconds: '4' });
    const remix = await client.videos.remix(sourceId, { prompt: 'a boat [fal:content_policy_violation]' });
    const job = await stack.waitForEnd(remix.id);
    expect(job).toMatchObject({ state: 'failed', error: { code: 'content_policy_violation' } });
    const retrieved = await client.videos.retrieve(remix.id);
    expect(retrieved).toMatchObject({ status: 'failed', error: { code: 'content_policy_violation' } });
    expect(retrieved.error?.message).toMatch(/flagged/);
  });
});

describe('a source deleted before fal reads it', () => {
  let slow: TestStack;
  beforeAll(async () => {
    // fal waits a second before running, so the source is gone when Kling fetches it
    slow = await startTestStack({ emulator: { queueMs: 1_000 } });
  });
  afterAll(() => slow.close());

  it('fails the edit with fal’s file_download_error, naming the input', async () => {
    const source = await slow.createVideo({ prompt: 'a fox', model: 'seedance-1.5-pro', seconds: '5' });
    expect((await slow.waitForEnd(source.id)).state).toBe('completed');
    const response = await slow.api('/v1/videos/edits', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ video: { id: source.id }, prompt: 'snow' }),
    });
    const edit = (await response.json()) as { id: string };
    expect((await slow.api(`/v1/videos/${source.id}`, { method: 'DELETE' })).status).toBe(200);
    const job = await slow.waitForEnd(edit.id);
    expect(job).toMatchObject({ state: 'failed', error: { code: 'file_download_error' } });
  });
});
