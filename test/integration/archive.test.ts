import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { falSettled } from '../support/fal-requests.ts';
import { messagesAbout } from '../support/queue-messages.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ emulator: { outputPaddingBytes: 6 * 1024 * 1024 } });
});
afterAll(() => stack.close());

async function expectArchivedExactly(id: string) {
  const job = await stack.settle(id);
  expect(job.state).toBe('completed');
  const served = (await stack.emulator?.outputBytes(job.requestId as string)) ?? Buffer.alloc(0);
  expect(job.archive).toMatchObject({
    bytes: served.length,
    sha256: createHash('sha256').update(served).digest('hex'),
  });
  const location = (await stack.api(`/v1/videos/${id}/content`)).headers.get('location') ?? '';
  expect(Buffer.from(await (await fetch(location)).arrayBuffer()).equals(served)).toBe(true);
  return job;
}

describe('archiving fal’s video into S3', () => {
  it('streams a multi-part video (over 5 MiB) and verifies its size and hash', async () => {
    const video = await stack.createVideo({ prompt: 'a big one', seconds: '4' });
    const job = await expectArchivedExactly(video.id);
    expect(job.archive?.bytes).toBeGreaterThan(6 * 1024 * 1024);
  });

  it('a failed download throws, and the queue’s redelivery archives it', async () => {
    const video = await stack.createVideo({ prompt: 'cdn hiccup [fal:cdn_500]', seconds: '4' });
    const job = await expectArchivedExactly(video.id);
    expect(job.archiveAttempts).toBe(2);
  });

  it('a download cut off halfway is never recorded as the video; the retry copies it whole', async () => {
    const video = await stack.createVideo({ prompt: 'cut short [fal:cdn_truncate]', seconds: '4' });
    const job = await expectArchivedExactly(video.id);
    expect(job.archiveAttempts).toBe(2);
  });

  it('an expired fal URL is refetched from the queue result, or retried', async () => {
    const video = await stack.createVideo({ prompt: 'gone already [fal:cdn_expired]', seconds: '4' });
    await expectArchivedExactly(video.id);
  });

  it('a video that cannot be copied after the attempt limit fails with archive_failed', async () => {
    stack.emulator?.injectFault({
      on: 'cdn',
      mode: 'error_500',
      times: 20,
      match: { promptIncludes: 'unreachable' },
    });
    const video = await stack.createVideo({ prompt: 'unreachable media', seconds: '4' });
    const job = await stack.waitForJob(video.id, ['failed', 'completed'], 20_000);
    expect(job).toMatchObject({ state: 'failed', archiveAttempts: stack.deps.policy.maxArchiveAttempts });
    expect(job.error?.code).toBe('archive_failed');
    expect(job.error?.message).toContain('500');
    stack.emulator?.clearFaults();
  });

  it('a lost archive message is resent by the reconciler', async () => {
    const video = await stack.createVideo({ prompt: 'lost message [fal:drop_webhook]', seconds: '4' });
    const submitted = await stack.waitForJob(video.id, ['submitted']);
    // fal finished and sent nothing, so no archive message was ever sent: as if the enqueue had been lost
    await falSettled(stack, video.id);
    expect(messagesAbout(stack, video.id)).toEqual([]);
    stack.advance(submitted.typicalGenerationMs + stack.deps.policy.webhookGraceMs + 1);
    await stack.reconcile();
    await stack.waitForJob(video.id, ['completed']);
    // the reconciler sent the one message that archived it
    expect(messagesAbout(stack, video.id)).toEqual([{ queue: 'archive', body: { jobId: video.id } }]);
    // a generated job with no message in time gets one from the reconciler
    stack.emulator?.setGenerationMs(150);
  });

  it('a repeated message for a completed job is a no-op', async () => {
    const video = await stack.createVideo({ prompt: 'done once', seconds: '4' });
    const job = await stack.waitForEnd(video.id);
    const downloads = stack.emulator?.stats().cdnDownloads ?? 0;
    await stack.deps.archiveQueue.enqueue(video.id);
    await stack.queue.drained();
    expect(await stack.job(video.id)).toEqual(job);
    expect(stack.emulator?.stats().cdnDownloads).toBe(downloads);
  });
});
