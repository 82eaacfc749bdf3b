import { afterEach, describe, expect, it } from 'vitest';
import { LocalQueue } from '../../dev/local-queue.ts';
import { remainingMs, withDeadline } from '../../functions/core/deadline.ts';

describe('the local queue delivers as SQS does', () => {
  let queue: LocalQueue | undefined;
  afterEach(() => queue?.close());

  it("runs each delivery outside its sender's context: an API request's deadline does not bound the worker", async () => {
    queue = new LocalQueue({
      name: 'follow-up',
      region: 'us-east-1',
      visibilityTimeoutMs: 1_000,
      maxReceiveCount: 3,
      concurrency: 2,
    });
    const seen: { body: string; left: number | undefined }[] = [];
    queue.start(async (event) => {
      for (const record of event.Records) seen.push({ body: record.body, left: remainingMs() });
      return { batchItemFailures: [] };
    });
    // sent while a request runs under a deadline, then one sent later from no context at all
    await withDeadline(Date.now() + 60_000, () => queue?.enqueue('during-a-request'));
    await queue.drained();
    await queue.enqueue('afterwards');
    await queue.drained();
    expect(seen.map(({ body }) => JSON.parse(body).jobId)).toEqual(['during-a-request', 'afterwards']);
    expect(seen.map(({ left }) => left)).toEqual([undefined, undefined]);
  });
});
