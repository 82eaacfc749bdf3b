import { describe, expect, it } from 'vitest';
import { resolveVideo } from '../../../functions/core/domain/catalog/index.ts';
import { checkExtendable, EXTENSION_FRAME, planExtension } from '../../../functions/core/domain/extension.ts';
import { endpointOf, modelAttempts } from '../../../functions/core/domain/fallback.ts';
import { type Job, jobStatus } from '../../../functions/core/domain/job.ts';
import { releasesOf } from '../../../functions/core/domain/limits.ts';
import { DEFAULT_POLICY as policy } from '../../../functions/core/domain/policy.ts';
import { estimateProgress } from '../../../functions/core/domain/progress.ts';
import {
  stepInput,
  stepOutputLifetimeSeconds,
  unbilledEstimateUsd,
  webhookTokens,
} from '../../../functions/core/domain/steps.ts';
import {
  advanceStep,
  claimRequeued,
  createJob,
  InvalidTransitionError,
  markFailed,
  markGenerated,
  markSubmitted,
  requeueGeneration,
  submitLeaseUntil,
} from '../../../functions/core/domain/transitions.ts';
import { toVideoObject } from '../../../functions/core/domain/video-object.ts';
import { newJob, T0 } from '../../support/jobs.ts';

const SOURCE_URL = 'https://bucket.s3.amazonaws.com/videos/acme/video_1.mp4?X-Amz-Signature=abc';

function source(overrides: Partial<Job> = {}): Job {
  const job = newJob({ model: 'seedance-1.5-pro', seconds: '5' });
  return {
    ...job,
    id: 'video_00000000000000000000000000000001',
    state: 'completed',
    archive: { key: 'videos/acme/video_1.mp4', bytes: 1, contentType: 'video/mp4', sha256: 'x' },
    ...overrides,
  };
}

function extensionJob(): Job {
  const clip = resolveVideo({
    prompt: 'the fox runs on',
    model: 'seedance-1.5-pro',
    seconds: '4',
    imageUrl: EXTENSION_FRAME,
  });
  const planned = planExtension(clip, source(), SOURCE_URL);
  return createJob(
    {
      id: 'video_0000000000000000000000000000000b',
      tenant: 'acme',
      spec: planned.spec,
      falEndpoint: planned.falEndpoint,
      falInput: planned.falInput,
      estimatedCostUsd: planned.estimatedCostUsd,
      typicalGenerationMs: planned.typicalGenerationMs,
      webhookToken: 'token-0',
      plan: planned.plan,
    },
    T0,
    policy,
    { admission: 'active', budgetDay: '2026-11-21' },
  );
}

describe('an extension plan', () => {
  it('is frame → image-to-video → merge, the stitched length, every step in the estimate', () => {
    const job = extensionJob();
    expect(job.plan?.steps.map((s) => s.endpoint)).toEqual([
      'fal-ai/ffmpeg-api/extract-frame',
      'fal-ai/bytedance/seedance/v1.5/pro/image-to-video',
      'fal-ai/ffmpeg-api/merge-videos',
    ]);
    expect(job.falEndpoint).toBe('fal-ai/ffmpeg-api/extract-frame');
    expect(job.falInput).toEqual({ video_url: SOURCE_URL, frame_type: 'last' });
    expect(job.spec).toMatchObject({ seconds: '9', extendedFrom: { videoId: source().id, chain: 1 } });
    expect(job.spec.imageUrl).toBeUndefined();
    const clipCost = resolveVideo({ prompt: 'x', model: 'seedance-1.5-pro', seconds: '4' }).estimatedCostUsd;
    expect(job.estimatedCostUsd).toBeCloseTo(clipCost + 0.002 + 0.005, 6);
  });

  it('refuses what OpenAI refuses, each with a 400 naming the limit', () => {
    expect(() => checkExtendable(source({ state: 'submitted', archive: undefined }), 4)).toThrow(/completed/);
    expect(() => checkExtendable(source(), 24)).toThrow(/at most 20 seconds/);
    const sixth = source({ spec: { ...source().spec, extendedFrom: { videoId: 'video_x', chain: 6 } } });
    expect(() => checkExtendable(sixth, 4)).toThrow(/at most 6 times/);
    const long = source({ spec: { ...source().spec, seconds: '110' } });
    expect(() => checkExtendable(long, 12)).toThrow(/at most 120 seconds; this one would last 122/);
    expect(() => checkExtendable(long, 10)).not.toThrow();
  });
});

describe('the multi-step engine (pure)', () => {
  const frame = 'https://v3b.fal.media/files/f/frame.png';
  const clip = 'https://v3b.fal.media/files/c/clip.mp4';

  it('keeps one public status across steps: in progress from the first submit, never queued again', () => {
    const queued = extensionJob();
    expect(jobStatus(queued)).toBe('queued');
    const submitted = markSubmitted(queued, 'req-frame', T0 + 1_000, policy);
    const next = advanceStep(
      submitted,
      { requestId: 'req-frame', outputUrl: frame },
      'token-1',
      T0 + 2_000,
      policy,
    );
    expect(next.state).toBe('queued');
    expect(jobStatus(next)).toBe('in_progress');
    expect(toVideoObject(next, T0 + 2_000, null).status).toBe('in_progress');
    // a retried second step is still in progress to the client: no video.queued event is recorded
    const clipSubmitted = markSubmitted(
      claimRequeued(next, T0 + 2_500, policy),
      'req-clip',
      T0 + 3_000,
      policy,
    );
    // its submit records no second video.in_progress: the status never changed
    expect(submitted.outbox?.event.type).toBe('video.in_progress');
    expect(clipSubmitted.outbox?.event.id).toBe(submitted.outbox?.event.id);
    const retried = requeueGeneration(clipSubmitted, 'req-clip', 'server_error', T0 + 4_000, policy);
    expect(jobStatus(retried)).toBe('in_progress');
    expect(retried.outbox?.event.type).not.toBe('video.queued');
    // while a first step's retry does read as queued again, with its event
    const firstRetried = requeueGeneration(submitted, 'req-frame', 'server_error', T0 + 2_000, policy);
    expect(jobStatus(firstRetried)).toBe('queued');
    expect(firstRetried.outbox?.event.type).toBe('video.queued');
  });

  it('asks fal to keep an output a later step reads for the job’s maximum age, and leaves the last step’s to fal', () => {
    const first = extensionJob();
    expect(stepOutputLifetimeSeconds(first, policy.maxJobAgeMs)).toBe(policy.maxJobAgeMs / 1000);
    const submitted = markSubmitted(first, 'req-frame', T0 + 1_000, policy);
    const clipStep = advanceStep(
      submitted,
      { requestId: 'req-frame', outputUrl: frame },
      't1',
      T0 + 2_000,
      policy,
    );
    expect(stepOutputLifetimeSeconds(clipStep, 90_500)).toBe(91);
    const mergeStep = advanceStep(
      markSubmitted(clipStep, 'req-clip', T0 + 3_000, policy),
      { requestId: 'req-clip', outputUrl: clip },
      't2',
      T0 + 4_000,
      policy,
    );
    expect(mergeStep.falEndpoint).toBe('fal-ai/ffmpeg-api/merge-videos');
    expect(stepOutputLifetimeSeconds(mergeStep, policy.maxJobAgeMs)).toBeUndefined();
    // a one-request video is archived at once: fal's default retention
    expect(stepOutputLifetimeSeconds(newJob({}), policy.maxJobAgeMs)).toBeUndefined();
  });

  it('advances a finished step to the next as a fresh request, its output wired in, the slot kept', () => {
    const submitted = markSubmitted(extensionJob(), 'req-frame', T0 + 1_000, policy);
    const next = advanceStep(
      submitted,
      { requestId: 'req-frame', outputUrl: frame },
      'token-1',
      T0 + 2_000,
      policy,
    );
    expect(next).toMatchObject({
      state: 'queued',
      falEndpoint: 'fal-ai/bytedance/seedance/v1.5/pro/image-to-video',
      webhookToken: 'token-1',
      requestId: undefined,
      submitAttempts: 1,
      openSubmits: 1,
      priorRequestIds: ['req-frame'],
      slotHeldAt: submitted.slotHeldAt,
    });
    expect(next.falInput.image_url).toBe(frame);
    expect(next.plan?.steps[0]).toMatchObject({
      requestId: 'req-frame',
      outputUrl: frame,
      webhookToken: 'token-0',
    });
    // a late webhook of step 1 still carries a token Reelay handed out
    expect(webhookTokens(next)).toEqual(['token-1', 'token-0']);
    expect(endpointOf(next, 'req-frame')).toBe('fal-ai/ffmpeg-api/extract-frame');
    expect(releasesOf(submitted, next)).toMatchObject({ slot: false, freed: false, refundUsd: 0 });

    const merging = advanceStep(
      markSubmitted(next, 'req-clip', T0 + 3_000, policy),
      { requestId: 'req-clip', outputUrl: clip },
      'token-2',
      T0 + 4_000,
      policy,
    );
    expect(merging.falInput).toEqual({ video_urls: [SOURCE_URL, clip] });
    // the last step ends the way a one-request job does: generated, then archived
    expect(() =>
      advanceStep(merging, { requestId: 'req-merge', outputUrl: clip }, 't', T0 + 5_000, policy),
    ).toThrow(InvalidTransitionError);
    const generated = markGenerated(
      markSubmitted(merging, 'req-merge', T0 + 5_000, policy),
      { requestId: 'req-merge', video: { url: clip } },
      T0 + 6_000,
      policy,
    );
    expect(generated.state).toBe('generated');
  });

  it('takes a fresh submit lease when the next step’s submit message comes late, so the reconciler does not submit it too', () => {
    const next = advanceStep(
      markSubmitted(extensionJob(), 'req-frame', T0, policy),
      { requestId: 'req-frame', outputUrl: frame },
      'token-1',
      T0,
      policy,
    );
    const late = (next.dueAt as number) + 1_000;
    const claimed = claimRequeued(next, late, policy);
    expect(claimed.version).toBe(next.version + 1);
    // what the reconciler checks before it takes a queued job: due no longer
    expect(claimed.dueAt).toBeGreaterThan(late);
    expect(claimed.dueAt).toBe(submitLeaseUntil(next, late, policy));
  });

  it('counts each step its own attempts', () => {
    const first = markSubmitted(extensionJob(), 'req-frame', T0, policy);
    const retried = requeueGeneration(first, 'req-frame', 'fal answered 503', T0 + 1, policy);
    expect(modelAttempts(retried)).toBe(2);
    const next = advanceStep(
      markSubmitted(retried, 'req-frame-2', T0 + 2, policy),
      { requestId: 'req-frame-2', outputUrl: frame },
      'token-1',
      T0 + 3,
      policy,
    );
    expect(modelAttempts(next)).toBe(1);
    expect(endpointOf(next, 'req-frame')).toBe('fal-ai/ffmpeg-api/extract-frame');
  });

  it('refunds only what fal did not bill when a later step fails for good', () => {
    const job = extensionJob();
    const atClip = markSubmitted(
      advanceStep(
        markSubmitted(job, 'req-frame', T0, policy),
        { requestId: 'req-frame', outputUrl: frame },
        't1',
        T0 + 1,
        policy,
      ),
      'req-clip',
      T0 + 2,
      policy,
    );
    expect(unbilledEstimateUsd(atClip)).toBeCloseTo(job.estimatedCostUsd - 0.002, 6);
    const refused = markFailed(atClip, { code: 'content_policy_violation', message: 'no' }, T0 + 3);
    expect(releasesOf(atClip, refused).refundUsd).toBeCloseTo(job.estimatedCostUsd - 0.002, 6);
    expect(releasesOf(job, markFailed(job, { code: 'x', message: 'y' }, T0)).refundUsd).toBe(
      job.estimatedCostUsd,
    );
  });

  it('shows one progress across the steps, never going back when a step ends', () => {
    const job = extensionJob();
    const start = estimateProgress(markSubmitted(job, 'r', T0, policy), T0).progress;
    const endOfFirst = estimateProgress(
      markSubmitted(job, 'r', T0, policy),
      T0 + job.typicalGenerationMs,
    ).progress;
    const next = advanceStep(
      markSubmitted(job, 'r', T0, policy),
      { requestId: 'r', outputUrl: frame },
      't',
      T0 + job.typicalGenerationMs,
      policy,
    );
    const startOfSecond = estimateProgress(next, T0 + job.typicalGenerationMs).progress;
    expect(start).toBe(0);
    expect(endOfFirst).toBeGreaterThan(0);
    expect(startOfSecond).toBeGreaterThanOrEqual(endOfFirst);
    expect(startOfSecond).toBeLessThan(50);
  });

  it('fills a step output into any field, and refuses one that has not run', () => {
    const plan = extensionJob().plan;
    if (!plan) throw new Error('no plan');
    expect(() => stepInput(plan, 2)).toThrow(/no output yet/);
  });
});
