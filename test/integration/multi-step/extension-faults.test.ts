import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FalFault } from '../../../dev/fal-emulator/index.ts';
import type { Job } from '../../../functions/core/domain/job.ts';
import type { VideoObject } from '../../../functions/core/domain/video-object.ts';
import { falRequestsOf } from '../../support/fal-requests.ts';
import { jobQuiet } from '../../support/job-quiet.ts';
import { FAST_SERVICE_TIMINGS } from '../../support/service-timings.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';
import { waitFor } from '../../support/wait-for.ts';

const SERVICE_TIMINGS = {
  ...FAST_SERVICE_TIMINGS,
  REELAY_DEFAULT_DAILY_BUDGET_USD: '100',
};
const FRAME = 'fal-ai/ffmpeg-api/extract-frame';
const CLIP = 'fal-ai/bytedance/seedance/v1.5/pro/image-to-video';
const MERGE = 'fal-ai/ffmpeg-api/merge-videos';

let stack: TestStack;
let reconciling: NodeJS.Timeout;
let source: VideoObject;
beforeAll(async () => {
  stack = await startTestStack({ env: SERVICE_TIMINGS });
  reconciling = setInterval(() => void stack.reconcile(), 300);
  source = await stack.createVideo({ prompt: 'a heron in reeds', seconds: '4' });
  await stack.waitForEnd(source.id);
});
afterAll(async () => {
  clearInterval(reconciling);
  await stack.close();
});

async function extend(body: Record<string, unknown>): Promise<VideoObject> {
  const response = await stack.api('/v1/videos/extensions', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as VideoObject;
}

/** The job's fal requests by endpoint, in submit order. */
const endpointsOf = (id: string) => falRequestsOf(stack, id).map((request) => request.endpointId);

/** Ends the job and waits until fal and the queues have nothing more to say about it. */
async function ended(id: string): Promise<Job> {
  const job = await stack.waitForEnd(id, 30_000);
  await jobQuiet(stack, id);
  expect(await stack.job(id)).toEqual(job);
  return job;
}

// one at a time: the faults match ffmpeg steps by endpoint, and those carry no prompt to tell jobs apart
describe('an extension through faults at each step', () => {
  for (const endpoint of [FRAME, CLIP, MERGE]) {
    it(`finishes when the webhook of ${endpoint.split('/').at(-1)} is lost (the reconciler polls), one request per step`, async () => {
      stack.emulator?.injectFault({ on: 'webhook', mode: 'drop', match: { endpoint } } as FalFault);
      const video = await extend({ video: { id: source.id }, prompt: 'lost webhook', seconds: '4' });
      const job = await ended(video.id);
      expect(job.state).toBe('completed');
      expect(endpointsOf(video.id)).toEqual([FRAME, CLIP, MERGE]);
      expect(stack.objectWrites.get(`videos/local/${video.id}.mp4`)).toBe(1);
      const dropped = falRequestsOf(stack, video.id).find((request) => request.endpointId === endpoint);
      expect(dropped?.webhook?.dropped).toBe(true);
    }, 60_000);
  }

  it('answers a webhook of an earlier step that comes after the job moved on 200, and changes nothing', async () => {
    // held back past the grace: the reconciler polls the frame, and the job moves on without it
    stack.emulator?.injectFault({ on: 'webhook', delayMs: 6_000, match: { endpoint: FRAME } } as FalFault);
    const video = await extend({ video: { id: source.id }, prompt: 'late frame webhook', seconds: '4' });
    const job = await ended(video.id);
    expect(job.state).toBe('completed');
    const frame = falRequestsOf(stack, video.id)[0];
    const attempts = stack.emulator?.webhookAttempts(frame?.requestId) ?? [];
    expect(attempts.map((attempt) => attempt.status)).toEqual([200]);
    // the late delivery carried the frame step's own token, not the job's current one
    expect(attempts[0]?.url).toContain(`token=${job.plan?.steps[0]?.webhookToken}`);
    expect(attempts[0]?.sentAt).toBeGreaterThan(job.plan?.steps[0]?.doneAt ?? Number.POSITIVE_INFINITY);
    expect(endpointsOf(video.id)).toEqual([FRAME, CLIP, MERGE]);
  }, 60_000);

  it('retries a failed merge, then archives the second merge once', async () => {
    stack.emulator?.injectFault({
      on: 'generation',
      error: 'internal_server_error',
      match: { endpoint: MERGE },
    } as FalFault);
    const video = await extend({ video: { id: source.id }, prompt: 'merge fails once', seconds: '4' });
    const job = await ended(video.id);
    expect(job.state).toBe('completed');
    expect(endpointsOf(video.id)).toEqual([FRAME, CLIP, MERGE, MERGE]);
    expect(stack.objectWrites.get(`videos/local/${video.id}.mp4`)).toBe(1);
  }, 60_000);

  it('fails with fal’s download error when the source is deleted mid-extension', async () => {
    const doomed = await stack.createVideo({ prompt: 'a source to delete', seconds: '4' });
    await stack.waitForEnd(doomed.id);
    // the clip's webhook is lost, so the job waits at step 2 while the source goes
    stack.emulator?.injectFault({ on: 'webhook', mode: 'drop', match: { endpoint: CLIP } } as FalFault);
    const video = await extend({ video: { id: doomed.id }, prompt: 'source vanishes', seconds: '4' });
    await waitFor(async () => ((await stack.job(video.id)).plan?.current === 1 ? true : undefined));
    expect((await stack.api(`/v1/videos/${doomed.id}`, { method: 'DELETE' })).status).toBe(200);
    const job = await ended(video.id);
    expect(job).toMatchObject({ state: 'failed', error: { code: 'file_download_error' } });
    expect(endpointsOf(video.id)).toEqual([FRAME, CLIP, MERGE]);
    expect(stack.objectWrites.get(`videos/local/${video.id}.mp4`)).toBeUndefined();
  }, 60_000);

  it('refunds what fal did not bill when the new clip is refused for content policy', async () => {
    const before = (await stack.deps.usage.get({ tenant: 'local' })).spentMicros;
    const video = await extend({
      video: { id: source.id },
      prompt: 'refused [fal:content_policy_violation]',
      seconds: '4',
    });
    const job = await ended(video.id);
    expect(job).toMatchObject({ state: 'failed', error: { code: 'content_policy_violation' } });
    expect(endpointsOf(video.id)).toEqual([FRAME, CLIP]);
    const frameShare = job.plan?.steps[0]?.estimatedCostUsd ?? Number.NaN;
    // the reservation was the whole estimate; only the frame, which fal did bill, stays spent
    expect((await stack.deps.usage.get({ tenant: 'local' })).spentMicros - before).toBe(
      Math.round(frameShare * 1_000_000),
    );
    expect(job.estimatedCostUsd).toBeGreaterThan(frameShare * 10);
  }, 60_000);
});
