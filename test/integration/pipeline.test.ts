import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

describe('create → fal → signed webhook → S3 → download', () => {
  it('archives exactly the bytes fal served and serves them back through a presigned URL', async () => {
    const created = await stack.createVideo({ prompt: 'a red fox running through fresh snow', seconds: '4' });
    expect(created).toMatchObject({
      object: 'video',
      status: 'in_progress',
      model: 'seedance-1.5-pro',
      seconds: '4',
    });

    const job = await stack.waitForJob(created.id, ['completed', 'failed']);
    expect(job.state).toBe('completed');
    const requestId = job.requestId as string;
    const fal = stack.emulator?.request(requestId);
    expect(fal?.endpointId).toBe('fal-ai/bytedance/seedance/v1.5/pro/text-to-video');
    expect(fal?.input).toMatchObject({
      prompt: 'a red fox running through fresh snow',
      duration: '4',
      enable_safety_checker: true,
    });
    expect(fal?.webhookUrl).toBe(`${stack.url}/webhooks/fal?job=${job.id}&token=${job.webhookToken}`);

    const served = await stack.emulator?.outputBytes(requestId);
    expect(job.archive).toEqual({
      key: `videos/local/${job.id}.mp4`,
      bytes: served?.length,
      contentType: 'video/mp4',
      sha256: createHash('sha256')
        .update(served ?? '')
        .digest('hex'),
    });
    expect(job.video).toBeUndefined();

    const retrieved = await (await stack.api(`/v1/videos/${job.id}`)).json();
    expect(retrieved).toMatchObject({ status: 'completed', progress: 100, error: null });
    expect(retrieved.completed_at).toBeGreaterThanOrEqual(retrieved.created_at);

    const content = await stack.api(`/v1/videos/${job.id}/content`);
    expect(content.status).toBe(302);
    const location = new URL(content.headers.get('location') ?? '');
    expect(Number(location.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(3600);
    const download = await fetch(location);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.equals(served ?? Buffer.alloc(0))).toBe(true);
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(bytes.includes(Buffer.from('avc1'))).toBe(true);
  });

  it('submits once per job and archives once per job', async () => {
    const before = stack.emulator?.stats();
    const ids = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        stack.createVideo({ prompt: `clip ${i}`, model: 'veo-3.1', seconds: '4' }),
      ),
    );
    const jobs = await Promise.all(ids.map((v) => stack.waitForJob(v.id, ['completed'])));
    const after = stack.emulator?.stats();
    expect((after?.submits ?? 0) - (before?.submits ?? 0)).toBe(5);
    expect((after?.cdnDownloads ?? 0) - (before?.cdnDownloads ?? 0)).toBe(5);
    expect(new Set(jobs.map((j) => j.archive?.sha256)).size).toBe(5);
    expect(jobs.every((j) => j.falEndpoint === 'fal-ai/veo3.1' && j.falInput.duration === '4s')).toBe(true);
  });
});
