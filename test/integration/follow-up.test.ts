import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateVersionOf } from '../../functions/core/domain/job.ts';
import { parseFollowUp } from '../../functions/core/queue/follow-up-queue.ts';
import { falSubmitsFor } from '../support/fal-requests.ts';
import { followUpsSent } from '../support/queue-messages.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';
import { waitFor } from '../support/wait-for.ts';

describe('the follow-up worker: work the webhook only sends', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.close());

  it('a retryable generation failure: the webhook records it and calls nobody; one resubmit follows, even if the message comes twice', async () => {
    stack.followUps.hold();
    const prompt = 'a runner drops it once';
    stack.emulator?.injectFault({
      on: 'generation',
      error: 'internal_server_error',
      match: { promptIncludes: prompt },
    });
    const video = await stack.createVideo({ prompt, seconds: '4' });
    // the webhook put the job back in the queue and sent the resubmit; fal saw one submit only
    const requeued = await waitFor(async () => {
      const job = await stack.job(video.id);
      return job.priorRequestIds.length === 1 && job.state === 'queued' ? job : undefined;
    });
    expect(falSubmitsFor(stack, prompt)).toBe(1);
    const version = stateVersionOf(requeued);
    const resubmits = followUpsSent(stack, 'resubmit');
    expect(resubmits).toEqual([{ kind: 'resubmit', jobId: video.id, version }]);
    // the requeue's video.queued event is delivered meanwhile, and its run writes the job: the
    // message still names the job's last transition, so it is not taken for a stale one
    expect((await stack.waitForEventTaken(video.id)).version).toBeGreaterThan(version);
    // at-least-once: the same message delivered twice still submits once
    await stack.followUps.send({ kind: 'resubmit', jobId: video.id, version });
    stack.followUps.resume();
    await stack.followUps.drained();
    expect(falSubmitsFor(stack, prompt)).toBe(2);
    expect((await stack.settle(video.id)).state).toBe('completed');
    expect(falSubmitsFor(stack, prompt)).toBe(2);
  });

  it('a webhook without payload is answered at once; the worker fetches the result from fal', async () => {
    stack.followUps.hold();
    const video = await stack.createVideo({
      prompt: 'too big for a webhook [fal:payload_error]',
      seconds: '4',
    });
    const message = await waitFor(async () =>
      followUpsSent(stack, 'fetch-result').find((m) => m.jobId === video.id),
    );
    const requestId = (await stack.job(video.id)).requestId;
    expect(message).toEqual({ kind: 'fetch-result', jobId: video.id, requestId });
    // recorded as nothing yet: the result is fetched by the worker, not inside fal's webhook
    expect((await stack.job(video.id)).state).toBe('submitted');
    stack.followUps.resume();
    expect((await stack.settle(video.id)).state).toBe('completed');
  });

  it('knows only its own kinds of message, whole', () => {
    expect(parseFollowUp('{"kind":"pump-any"}')).toEqual({ kind: 'pump-any' });
    expect(parseFollowUp('{"kind":"pump"}')).toBeUndefined();
    expect(parseFollowUp('not json')).toBeUndefined();
    expect(parseFollowUp('{"kind":"submit-everything"}')).toBeUndefined();
  });
});
