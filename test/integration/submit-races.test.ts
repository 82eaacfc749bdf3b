import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { VideoObject } from '../../functions/core/domain/video-object.ts';
import { reconcile } from '../../functions/core/jobs/reconcile.ts';
import { falRequestsOf, falSubmits } from '../support/fal-requests.ts';
import { postVideo } from '../support/post-video.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';
import { waitFor } from '../support/wait-for.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { FAL_REQUEST_TIMEOUT_SECONDS: '0.3' } });
});
afterAll(() => stack.close());

function recordedJobId(prompt: string): Promise<string> {
  return waitFor(async () => {
    const list = (await (await stack.api('/v1/videos?limit=100')).json()) as { data: VideoObject[] };
    return list.data.find((video) => video.prompt === prompt)?.id;
  });
}

describe('submits whose answer goes astray', () => {
  it('a submit fal accepted but did not answer in time is not sent again; its webhook completes the job', async () => {
    const submits = falSubmits(stack);
    stack.emulator?.injectFault({ on: 'submit', hangMs: 1_000, match: { promptIncludes: 'slow door' } });
    const video = await stack.createVideo({ prompt: 'slow door', seconds: '4' });
    expect(video.status).toBe('queued');
    const queued = await stack.job(video.id);
    expect(queued.lastFault).toContain('no answer from fal');
    // held until the accepted request's webhook would have come, not retried on a short backoff
    expect(queued.dueAt).toBeGreaterThanOrEqual(Date.now() + queued.typicalGenerationMs);
    await stack.reconcile();

    const job = await stack.waitForJob(video.id, ['completed', 'failed']);
    expect(job.state).toBe('completed');
    expect(falSubmits(stack) - submits).toBe(1);
  });

  it('a request fal accepts after the job was deleted is cancelled at fal, not left to run', async () => {
    const cancels = stack.emulator?.stats().cancels ?? 0;
    stack.emulator?.injectFault({ on: 'submit', hangMs: 200, match: { promptIncludes: 'regret' } });
    const creating = postVideo(stack, 'regret');
    // recorded before fal is called, so it is visible (and deletable) while fal has not answered
    const id = await recordedJobId('regret');
    expect((await stack.api(`/v1/videos/${id}`, { method: 'DELETE' })).status).toBe(200);

    const created = await (await creating).json();
    expect(created).toMatchObject({ id, status: 'failed', error: { code: 'cancelled' } });
    expect((stack.emulator?.stats().cancels ?? 0) - cancels).toBe(1);
  });
});

describe('reconciler passes that overlap (a slow pass and the next minute’s, or the webhook meanwhile)', () => {
  it('four passes at once submit each due job once, and finish each overdue one once', async () => {
    for (const tag of ['overlap-a', 'overlap-b', 'overlap-c'])
      stack.emulator?.injectFault({ on: 'submit', status: 503, match: { promptIncludes: tag } });
    const waiting = await Promise.all(
      ['overlap-a', 'overlap-b', 'overlap-c'].map((tag) => stack.createVideo({ prompt: tag, seconds: '4' })),
    );
    const dropped = await stack.createVideo({ prompt: 'overlap-d [fal:drop_webhook]', seconds: '4' });
    const submitted = await stack.waitForJob(dropped.id, ['submitted']);
    await vi.waitFor(() =>
      expect(stack.emulator?.request(submitted.requestId ?? '')?.state).toBe('COMPLETED'),
    );

    stack.advance(10 * 60_000);
    const limits = { batch: 100, deadline: Date.now() + 10 * 60_000 + 30_000 };
    const reports = await Promise.all(Array.from({ length: 4 }, () => reconcile(stack.deps, limits)));
    expect(reports.reduce((sum, report) => sum + report.submitted, 0)).toBe(3);
    expect(reports.reduce((sum, report) => sum + report.finishedByPolling, 0)).toBe(1);

    for (const video of [...waiting, dropped]) {
      expect((await stack.settle(video.id)).state).toBe('completed');
      expect(falRequestsOf(stack, video.id)).toHaveLength(1);
      expect(stack.objectWrites.get(`videos/local/${video.id}.mp4`)).toBe(1);
    }
  });
});
