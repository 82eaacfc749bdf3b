import type { Deps } from '../deps.ts';
import { classifyFalFailure, type SettledOutcome } from '../domain/fal-outcome.ts';
import { modelAttempts, remainingFallbacks } from '../domain/fallback.ts';
import { newWebhookToken } from '../domain/ids.ts';
import type { Job } from '../domain/job.ts';
import type { JobPolicy } from '../domain/policy.ts';
import { markSceneGenerated } from '../domain/scenes.ts';
import { hasNextStep } from '../domain/steps.ts';
import {
  advanceStep,
  markFailed,
  markGenerated,
  openSubmits,
  requeueGeneration,
} from '../domain/transitions.ts';
import { sendFollowUp, settle } from '../limits/settle.ts';
import { updateJob } from './update-job.ts';

export type Applied = 'generated' | 'advanced' | 'failed' | 'resubmitted' | 'deferred' | 'ignored';

/** The job's current model has used its generations on this failed request: a fallback model decides next. */
export function fallbackDue(job: Job, requestId: string, policy: JobPolicy): boolean {
  return (
    isCurrentRequest(job, requestId) &&
    (job.state === 'queued' || job.state === 'submitted') &&
    modelAttempts(job) >= policy.maxGenerationAttempts
  );
}

/** What recording an outcome touches: this job's item, its pools, and the two queues (no fal, no S3). */
export type ApplyOutcomeDeps = Pick<
  Deps,
  | 'jobs'
  | 'usage'
  | 'stats'
  | 'config'
  | 'policy'
  | 'logger'
  | 'metrics'
  | 'now'
  | 'archiveQueue'
  | 'followUps'
  | 'eventQueue'
>;

/**
 * Whether an outcome for `requestId` is about the job's current attempt, or one it has not recorded
 * yet: only while a submit's answer is outstanding (a webhook can beat the answer) or was lost.
 */
export function isCurrentRequest(job: Job, requestId: string): boolean {
  if (job.requestId !== undefined) return job.requestId === requestId;
  return job.state === 'queued' && openSubmits(job) > 0 && !job.priorRequestIds.includes(requestId);
}

/**
 * A request of this job that it never recorded: a submit fal accepted whose answer was lost, and
 * which was sent again. Only where Reelay knows such an answer was lost (an open submit beside the
 * recorded one), and only a verified webhook (signature, account and job token) can name one.
 */
export function isOrphanRequest(job: Job, requestId: string): boolean {
  return (
    job.state === 'submitted' &&
    openSubmits(job) > 0 &&
    job.requestId !== requestId &&
    !job.priorRequestIds.includes(requestId)
  );
}

/**
 * What the webhook, the reconciler's polling and the follow-up worker all do with a finished fal
 * request: the one code path from "fal is done" to `generated` (then archive) or `failed` (or a
 * fresh attempt). It writes this job only and calls nobody: every other piece of work (the archive,
 * the next waiting job, a resubmit, a cancel) is a message. Duplicates and late arrivals change nothing.
 */
export async function applyFalOutcome(
  deps: ApplyOutcomeDeps,
  job: Job,
  settled: SettledOutcome,
  options: { adoptOrphan?: boolean } = {},
): Promise<Applied> {
  const { policy, logger } = deps;
  const { requestId } = settled;

  if (settled.kind === 'ok') {
    const { video, seed } = settled;
    let replaced: string | undefined;
    // the next step's own token, made once so a re-decided write hands fal the same one, and only
    // for a job with a next step (random bytes cost the single-step capture about 0.01 ms)
    let nextToken: string | undefined;
    const updated = await updateJob(
      deps,
      job.id,
      (current) => {
        const known = isCurrentRequest(current, requestId);
        // a finished video of an orphan is paid for: adopt it, and stop the request the job waits on
        if (!known && !(options.adoptOrphan && isOrphanRequest(current, requestId))) return undefined;
        if (current.state !== 'queued' && current.state !== 'submitted') return undefined;
        replaced = known ? undefined : current.requestId;
        if (hasNextStep(current.plan)) {
          nextToken ??= newWebhookToken();
          return advanceStep(current, { requestId, outputUrl: video.url }, nextToken, deps.now(), policy);
        }
        if (current.sceneOf) return markSceneGenerated(current, { requestId, video }, deps.now());
        return markGenerated(current, { requestId, video, seed }, deps.now(), policy);
      },
      job,
    );
    if (!updated?.changed) return 'ignored';
    if (updated.job.state === 'queued') {
      logger.info('fal finished a step; the next is submitted', {
        jobId: job.id,
        requestId,
        step: updated.job.plan?.current,
      });
      if (replaced)
        await sendFollowUp(
          deps,
          { kind: 'cancel', jobId: job.id, endpoint: job.falEndpoint, requestId: replaced },
          job.id,
        );
      // if this message is lost, the reconciler submits once the step's submit lease runs out
      await sendFollowUp(deps, { kind: 'resubmit', jobId: job.id, version: updated.job.version }, job.id);
      return 'advanced';
    }
    logger.info('fal generated the video', { jobId: job.id, requestId, adoptedInsteadOf: replaced });
    if (replaced)
      await sendFollowUp(
        deps,
        { kind: 'cancel', jobId: job.id, endpoint: job.falEndpoint, requestId: replaced },
        job.id,
      );
    // fal is done with it: its slot goes to the next waiting job now, not at the next reconcile;
    // before the archive message, so the archive does not run alongside this hand-off
    await settle(deps, updated);
    // a scene's output is its end: its sequence's join (sent with the write) merges it, no archive
    if (updated.job.sceneOf) return 'generated';
    // if this send is lost, the reconciler sends it again once the pickup time has passed
    await deps.archiveQueue.enqueue(job.id).catch((error: unknown) => {
      logger.error('archive enqueue failed; the reconciler will resend', {
        jobId: job.id,
        error: String(error),
      });
    });
    return 'generated';
  }

  const { retryable, error } = classifyFalFailure({ status: settled.status, body: settled.body });
  // a model that keeps failing retryably hands the job to the client's next fallback model: slow work
  // (a budget reservation, a submit) for the follow-up worker, which fails the job if none can take it
  if (retryable && fallbackDue(job, requestId, policy) && remainingFallbacks(job).length > 0) {
    await sendFollowUp(
      deps,
      { kind: 'fallback', jobId: job.id, requestId, code: error.code, message: error.message },
      job.id,
    );
    logger.info('fal request failed; a fallback model is next', {
      jobId: job.id,
      requestId,
      code: error.code,
    });
    return 'deferred';
  }
  let resubmit = false;
  const updated = await updateJob(
    deps,
    job.id,
    (current) => {
      if (
        !isCurrentRequest(current, requestId) ||
        (current.state !== 'queued' && current.state !== 'submitted')
      ) {
        return undefined;
      }
      const attempts = modelAttempts(current);
      resubmit = retryable && attempts < policy.maxGenerationAttempts;
      if (resubmit) return requeueGeneration(current, requestId, error.message, deps.now(), policy);
      const message =
        retryable && attempts > 1 ? `${error.message} (after ${attempts} attempts)` : error.message;
      return markFailed(current, { code: error.code, message }, deps.now());
    },
    job,
  );
  if (!updated?.changed) return 'ignored';
  logger.info('fal request failed', { jobId: job.id, requestId, code: error.code, retryable, resubmit });
  await settle(deps, updated);
  if (!resubmit) return 'failed';
  // if this message is lost, the reconciler submits once the job's submit lease runs out
  await sendFollowUp(deps, { kind: 'resubmit', jobId: job.id, version: updated.job.version }, job.id);
  return 'resubmitted';
}
