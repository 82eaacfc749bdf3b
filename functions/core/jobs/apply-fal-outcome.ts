import type { Deps } from '../deps.ts';
import { classifyFalFailure, type FalOutcome } from '../domain/fal-outcome.ts';
import { modelAttempts, remainingFallbacks, type TriedModel, triedOn } from '../domain/fallback.ts';
import type { Job } from '../domain/job.ts';
import { markFailed, markGenerated, requeueGeneration } from '../domain/transitions.ts';
import { settle } from '../limits/settle.ts';
import { moveToFallback } from './fallback.ts';
import { submitJob } from './submit-job.ts';
import { updateJob } from './update-job.ts';

export type Applied = 'generated' | 'failed' | 'resubmitted' | 'ignored';

/** Whether an outcome for `requestId` is about the job's current attempt (or one it has not recorded yet). */
export function isCurrentRequest(job: Job, requestId: string): boolean {
  if (job.requestId !== undefined) return job.requestId === requestId;
  return job.state === 'queued' && !job.priorRequestIds.includes(requestId);
}

/**
 * A request of this job that it never recorded: a submit fal accepted whose answer was lost, and
 * which was sent again. Only a verified webhook (signature and job token) can name one.
 */
export function isOrphanRequest(job: Job, requestId: string): boolean {
  return job.state === 'submitted' && job.requestId !== requestId && !job.priorRequestIds.includes(requestId);
}

/**
 * What the webhook and the reconciler's polling both do with a finished fal request: the one code
 * path from "fal is done" to `generated` (then archive) or `failed` (or a fresh attempt).
 * Duplicates and late arrivals change nothing.
 */
export async function applyFalOutcome(
  deps: Deps,
  job: Job,
  outcome: FalOutcome,
  options: { adoptOrphan?: boolean } = {},
): Promise<Applied> {
  const { policy, logger } = deps;
  // fal could not put the output in the webhook; the queue still has it
  const settled =
    outcome.kind === 'payload_missing' ? await deps.fal.result(job.falEndpoint, outcome.requestId) : outcome;
  const { requestId } = settled;

  if (settled.kind === 'ok') {
    const { video, seed } = settled;
    let replaced: string | undefined;
    const updated = await updateJob(
      deps,
      job.id,
      (current) => {
        const known = isCurrentRequest(current, requestId);
        // a finished video of an orphan is paid for: adopt it, and stop the request the job waits on
        if (!known && !(options.adoptOrphan && isOrphanRequest(current, requestId))) return undefined;
        if (current.state !== 'queued' && current.state !== 'submitted') return undefined;
        replaced = known ? undefined : current.requestId;
        return markGenerated(current, { requestId, video, seed }, deps.now(), policy);
      },
      job,
    );
    if (!updated?.changed) return 'ignored';
    logger.info('fal generated the video', { jobId: job.id, requestId, adoptedInsteadOf: replaced });
    if (replaced) {
      await deps.fal.cancel(job.falEndpoint, replaced).catch((error: unknown) => {
        logger.warn('cancel of the replaced fal request failed', { jobId: job.id, error: String(error) });
      });
    }
    // fal is done with it: its slot goes to the next waiting job now, not at the next reconcile;
    // before the archive message, so the archive does not run alongside this hand-off
    await settle(deps, updated);
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
  // a model that keeps failing retryably hands the job to the client's next fallback model, if any
  const due = (current: Job) =>
    isCurrentRequest(current, requestId) &&
    (current.state === 'queued' || current.state === 'submitted') &&
    modelAttempts(current) >= policy.maxGenerationAttempts;
  let tried: TriedModel[] = [];
  if (retryable && due(job) && remainingFallbacks(job).length > 0) {
    const moved = await moveToFallback(deps, job, requestId, error, due);
    if ('switched' in moved) {
      await settle(deps, moved.switched);
      await submitJob(deps, moved.switched.job);
      return 'resubmitted';
    }
    tried = moved.tried;
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
      const failed = markFailed(current, { code: error.code, message }, deps.now());
      // the models left for this failure, and why, stay on the video
      return tried.length > 0 ? { ...failed, fallback: triedOn(current, tried) } : failed;
    },
    job,
  );
  if (!updated?.changed) return 'ignored';
  logger.info('fal request failed', { jobId: job.id, requestId, code: error.code, retryable, resubmit });
  await settle(deps, updated);
  if (!resubmit) return 'failed';
  await submitJob(deps, updated.job);
  return 'resubmitted';
}
