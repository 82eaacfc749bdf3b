import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { falSettled, falSubmits } from '../support/fal-requests.ts';
import { messagesAbout } from '../support/queue-messages.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { REELAY_MAX_GENERATION_ATTEMPTS: '2' } });
});
afterAll(() => stack.close());

const submits = () => falSubmits(stack);

describe('generation failures', () => {
  it('a content policy violation fails the job at once with fal’s message, never retried', async () => {
    const before = submits();
    const video = await stack.createVideo({
      prompt: 'something flagged [fal:content_policy_violation]',
      seconds: '4',
    });
    const job = await stack.waitForJob(video.id, ['failed', 'completed']);
    expect(job.error).toEqual({
      code: 'content_policy_violation',
      message:
        'prompt: The content could not be processed because it contained material flagged by a content checker.',
    });
    expect(submits() - before).toBe(1);
    const object = await (await stack.api(`/v1/videos/${video.id}`)).json();
    expect(object).toMatchObject({ status: 'failed', progress: 0, error: job.error });
    const content = await stack.api(`/v1/videos/${video.id}/content`);
    expect(content.status).toBe(409);
    expect(await content.json()).toMatchObject({ error: { code: 'video_failed' } });
  });

  it('a retryable generation error is resubmitted, and the new attempt completes', async () => {
    const before = submits();
    stack.emulator?.injectFault({
      on: 'generation',
      error: 'generation_timeout',
      match: { promptIncludes: 'second try' },
    });
    const video = await stack.createVideo({ prompt: 'second try', seconds: '4' });
    const job = await stack.waitForJob(video.id, ['completed', 'failed']);
    expect(job.state).toBe('completed');
    expect(submits() - before).toBe(2);
    expect(job.priorRequestIds).toHaveLength(1);
    expect(job.requestId).not.toBe(job.priorRequestIds[0]);
  });

  it('a retryable error that keeps failing ends after the configured attempts', async () => {
    const before = submits();
    stack.emulator?.injectFault({
      on: 'generation',
      error: 'internal_server_error',
      times: 5,
      match: { promptIncludes: 'doomed' },
    });
    const video = await stack.createVideo({ prompt: 'doomed', seconds: '4' });
    const job = await stack.waitForJob(video.id, ['failed']);
    expect(submits() - before).toBe(2);
    expect(job.error?.code).toBe('provider_error');
    expect(job.error?.message).toContain('after 2 attempts');
    stack.emulator?.clearFaults();
  });

  it('payload_error in the webhook: the output is fetched from the queue instead', async () => {
    const before = stack.emulator?.stats().resultCalls ?? 0;
    const video = await stack.createVideo({ prompt: 'huge output [fal:payload_error]', seconds: '4' });
    const job = await stack.waitForJob(video.id, ['completed', 'failed']);
    expect(job.state).toBe('completed');
    expect((stack.emulator?.stats().resultCalls ?? 0) - before).toBe(1);
  });
});

describe('submit failures', () => {
  it('fal down: one fal call per attempt (the client does not retry); the job waits queued, then the reconciler submits it', async () => {
    const rejected = stack.emulator?.stats().rejectedSubmits ?? 0;
    stack.emulator?.injectFault({ on: 'submit', status: 503, match: { promptIncludes: 'patience' } });
    const video = await stack.createVideo({ prompt: 'patience', seconds: '4' });
    expect(video.status).toBe('queued');
    expect((stack.emulator?.stats().rejectedSubmits ?? 0) - rejected).toBe(1);
    const queued = await stack.job(video.id);
    expect(queued).toMatchObject({ state: 'queued', submitAttempts: 1 });
    expect(queued.lastFault).toContain('503');
    expect(queued.dueAt).toBeGreaterThan(Date.now() - 1_000);

    stack.advance(10 * 60_000);
    await stack.reconcile();
    const job = await stack.waitForJob(video.id, ['completed']);
    expect(job.submitAttempts).toBe(2);
  }, 30_000);

  it('an exhausted fal balance fails the job with provider_balance_exhausted', async () => {
    stack.emulator?.injectFault({
      on: 'submit',
      balanceExhausted: true,
      match: { promptIncludes: 'no money' },
    });
    const video = await stack.createVideo({ prompt: 'no money', seconds: '4' });
    expect(video).toMatchObject({ status: 'failed', error: { code: 'provider_balance_exhausted' } });
    expect(video.error?.message).toContain('Exhausted balance');
  });

  it('a job that never gets accepted fails after the maximum submit attempts', async () => {
    // the client does not retry a 500 on submit, so each of our attempts meets one fault
    stack.emulator?.injectFault({
      on: 'submit',
      status: 500,
      times: 5,
      match: { promptIncludes: 'keeps failing' },
    });
    const video = await stack.createVideo({ prompt: 'fal keeps failing', seconds: '4' });
    for (let attempt = 1; attempt < 5; attempt++) {
      expect(await stack.job(video.id)).toMatchObject({ state: 'queued', submitAttempts: attempt });
      stack.advance(10 * 60_000);
      await stack.reconcile();
    }
    const job = await stack.job(video.id);
    expect(job).toMatchObject({
      state: 'failed',
      submitAttempts: 5,
      error: { code: 'provider_unavailable' },
    });
    expect(job.error?.message).toContain('after 5 attempts');
  });
});

describe('reconciler', () => {
  it('completes a job whose webhook never came, through the webhook’s own code path', async () => {
    const video = await stack.createVideo({ prompt: 'lost mail [fal:drop_webhook]', seconds: '4' });
    const submitted = await stack.waitForJob(video.id, ['submitted']);
    // fal finished and dropped the webhook, nothing is pending there, and no message about the job was
    // sent: nothing is left that could move it on, so still submitted means the reconciler must
    const [request] = await falSettled(stack, video.id);
    expect(request?.webhook).toMatchObject({ dropped: true, attempts: 0 });
    expect(stack.emulator?.webhookAttempts(request?.requestId ?? 'none')).toEqual([]);
    expect(messagesAbout(stack, video.id)).toEqual([]);
    expect((await stack.job(video.id)).state).toBe('submitted');

    stack.advance(submitted.typicalGenerationMs + stack.deps.policy.webhookGraceMs + 1);
    await stack.reconcile();
    const job = await stack.waitForJob(video.id, ['completed']);
    expect(job.archive?.bytes).toBeGreaterThan(0);
  });

  it('leaves a running job alone until its webhook is overdue, then polls it again later', async () => {
    stack.emulator?.setGenerationMs(60_000);
    const video = await stack.createVideo({ prompt: 'long render', seconds: '4' });
    const before = stack.emulator?.stats().statusCalls ?? 0;
    await stack.reconcile();
    expect((stack.emulator?.stats().statusCalls ?? 0) - before).toBe(0);
    stack.advance(10 * 60_000);
    await stack.reconcile();
    expect((stack.emulator?.stats().statusCalls ?? 0) - before).toBe(1);
    expect(await stack.job(video.id)).toMatchObject({ state: 'submitted' });
    stack.emulator?.setGenerationMs(150);
  });

  it('fails a job past the maximum age with timeout, and cancels it at fal', async () => {
    stack.emulator?.setGenerationMs(600_000);
    const video = await stack.createVideo({ prompt: 'forever', seconds: '4' });
    stack.advance(3 * 60 * 60_000);
    await stack.reconcile();
    const job = await stack.job(video.id);
    expect(job).toMatchObject({ state: 'failed', error: { code: 'timeout' } });
    expect(stack.emulator?.request(job.requestId as string)?.outcome).toBe('cancelled');
    stack.emulator?.setGenerationMs(150);
  });
});
