import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/test-stack.ts';
import { waitFor } from '../support/wait-for.ts';

let stack: TestStack;
let client: OpenAI;
beforeAll(async () => {
  stack = await startTestStack();
  client = new OpenAI({ apiKey: stack.apiKey, baseURL: `${stack.url}/v1`, maxRetries: 0 });
});
afterAll(() => stack.close());

describe('the official openai SDK, pointed at Reelay by baseURL', () => {
  it('creates, retrieves, lists, downloads and deletes a video', async () => {
    const created = await client.videos.create({
      prompt: 'a paper boat on a stream',
      model: 'sora-2',
      seconds: '4',
      size: '720x1280',
    });
    expect(created).toMatchObject({ object: 'video', model: 'sora-2', seconds: '4', size: '720x1280' });
    expect(['queued', 'in_progress']).toContain(created.status);

    const video = await waitFor(async () => {
      const current = await client.videos.retrieve(created.id);
      return current.status === 'completed' || current.status === 'failed' ? current : undefined;
    });
    expect(video).toMatchObject({ id: created.id, status: 'completed', progress: 100, error: null });

    const listed: string[] = [];
    for await (const item of client.videos.list({ limit: 1 })) listed.push(item.id);
    expect(listed).toContain(created.id);

    const content = await client.videos.downloadContent(created.id);
    const bytes = Buffer.from(await content.arrayBuffer());
    const job = await stack.job(created.id);
    expect(
      bytes.equals((await stack.emulator?.outputBytes(job.requestId as string)) ?? Buffer.alloc(0)),
    ).toBe(true);

    expect(await client.videos.delete(created.id)).toEqual({
      id: created.id,
      object: 'video.deleted',
      deleted: true,
    });
    await expect(client.videos.retrieve(created.id)).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
    });
  });

  it('surfaces a 400 as the SDK’s BadRequestError with code and param', async () => {
    const failure = client.videos.create({ prompt: 'x', model: 'sora-2', seconds: '12', size: '1024x1792' });
    await expect(failure).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(failure).rejects.toMatchObject({ status: 400, code: 'invalid_request', param: 'size' });
  });

  it('sends an image reference as a file part and gets image-to-video', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const created = await client.videos.create({
      prompt: 'the dot grows into a sun',
      model: 'sora-2',
      seconds: '4',
      input_reference: await OpenAI.toFile(png, 'dot.png', { type: 'image/png' }),
    });
    const job = await stack.waitForJob(created.id, ['completed', 'failed']);
    expect(job).toMatchObject({ state: 'completed', falEndpoint: 'fal-ai/sora-2/image-to-video' });
  });
});
