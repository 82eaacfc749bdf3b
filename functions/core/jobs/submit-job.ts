import type { EngineDeps } from '../deps.ts';
import { classifyFalFailure, type FalFailure } from '../domain/fal-outcome.ts';
import { remainingFallbacks, type TriedModel, triedOn } from '../domain/fallback.ts';
import type { Job } from '../domain/job.ts';
import { backoffDelay } from '../domain/policy.ts';
import { stepOutputLifetimeSeconds } from '../domain/steps.ts';
import { markFailed, markSubmitted, scheduleSubmitRetry, submitLeaseUntil } from '../domain/transitions.ts';
import { FalCallError } from '../fal/fal-gateway.ts';
import { settle } from '../limits/settle.ts';
import { moveToFallback } from './fallback.ts';
import { updateJob } from './update-job.ts';

/** `${PUBLIC_URL}/webhooks/fal?job=…&token=…`, or none when nothing public can reach us (then we poll). */
export function webhookUrl(publicUrl: string | undefined, job: Job): string | undefined {
  if (!publicUrl) return undefined;
  const query = new URLSearchParams({ job: job.id, token: job.webhookToken });
  return `${publicUrl}/webhooks/fal?${query}`;
}

function failureOf(error: unknown): FalFailure {
  if (error instanceof FalCallError) return error.failure;
  return {
    network: true,
    maybeAccepted: true,
    message: error instanceof Error ? error.message : String(error),
  };
}

/** A failed submit: retried later with backoff if it can succeed, else the job ends. Only the attempt holding the job records it. */
async function recordFailure(deps: EngineDeps, job: Job, failure: FalFailure): Promise<Job> {
  const { policy } = deps;
  const { retryable, error } = classifyFalFailure(failure);
  // fal would not take the model's endpoint: the client's next fallback model may be taken instead
  const due = (current: Job) => current.state === 'queued' && current.submitAttempts === job.submitAttempts;
  let tried: TriedModel[] = [];
  if (retryable && job.submitAttempts >= policy.maxSubmitAttempts && remainingFallbacks(job).length > 0) {
    const moved = await moveToFallback(deps, job, undefined, error, due);
    if ('switched' in moved) {
      await settle(deps, moved.switched);
      return submitJob(deps, moved.switched.job);
    }
    tried = moved.tried;
  }
  const updated = await updateJob(
    deps,
    job.id,
    (current) => {
      if (current.state !== 'queued' || current.submitAttempts !== job.submitAttempts) return undefined;
      const now = deps.now();
      if (retryable && current.submitAttempts < policy.maxSubmitAttempts) {
        // no answer at all: fal may have accepted it, so wait until its webhook would have come
        const retryAt = failure.maybeAccepted
          ? submitLeaseUntil(current, now, policy)
          : now + backoffDelay(current.submitAttempts, policy, deps.random());
        return scheduleSubmitRetry(current, error.message, retryAt, now, failure.maybeAccepted === true);
      }
      const message = retryable
        ? `fal did not accept the job after ${current.submitAttempts} attempts: ${error.message}`
        : error.message;
      const failed = markFailed(current, { code: error.code, message }, now);
      return tried.length > 0 ? { ...failed, fallback: triedOn(current, tried) } : failed;
    },
    job,
  );
  const next = updated?.job;
  deps.logger.warn('fal submit failed', {
    jobId: job.id,
    attempt: job.submitAttempts,
    code: error.code,
    retryable,
    state: next?.state,
    ...(next?.state === 'queued' &&
      next.dueAt !== undefined && { retryAt: new Date(next.dueAt).toISOString() }),
  });
  await settle(deps, updated);
  return updated?.job ?? job;
}

/** fal accepted: record the request id, unless the job ended or moved on meanwhile; then nobody will collect it, so cancel it. */
async function recordAccepted(deps: EngineDeps, job: Job, requestId: string): Promise<Job> {
  const updated = await updateJob(
    deps,
    job.id,
    (current) =>
      // the webhook may have beaten this answer: then it recorded the request id already
      current.state === 'queued' &&
      current.requestId === undefined &&
      !current.priorRequestIds.includes(requestId)
        ? markSubmitted(current, requestId, deps.now(), deps.policy)
        : undefined,
    job,
  );
  if (updated && !updated.changed && updated.job.requestId !== requestId) {
    const answer = await deps.fal.cancel(job.falEndpoint, requestId).catch((error: unknown) => String(error));
    deps.logger.warn('fal accepted a request the job no longer needs; cancelled it', {
      jobId: job.id,
      requestId,
      state: updated.job.state,
      answer,
    });
  } else {
    deps.logger.info('submitted to fal', { jobId: job.id, requestId, endpoint: job.falEndpoint });
  }
  return updated?.job ?? job;
}

/**
 * Submits a queued job the caller holds under a submit lease (fresh, claimed by the reconciler, or
 * requeued). Never throws: the outcome is recorded on the job, and when even that write fails the
 * lease runs out and the reconciler takes over (a webhook arriving first still finds the job queued).
 */
export async function submitJob(deps: EngineDeps, job: Job): Promise<Job> {
  try {
    const outputLifetimeSeconds = stepOutputLifetimeSeconds(job, deps.policy.maxJobAgeMs);
    const { requestId } = await deps.fal.submit(
      job.falEndpoint,
      job.falInput,
      webhookUrl(deps.config.publicUrl, job),
      outputLifetimeSeconds === undefined ? {} : { outputLifetimeSeconds },
    );
    return await recordAccepted(deps, job, requestId);
  } catch (error) {
    if (!(error instanceof FalCallError)) {
      deps.logger.error('submit outcome not recorded; the reconciler will take over', {
        jobId: job.id,
        error: String(error),
      });
      return job;
    }
    try {
      return await recordFailure(deps, job, failureOf(error));
    } catch (writeError) {
      deps.logger.error('recording a submit failure failed', { jobId: job.id, error: String(writeError) });
      return job;
    }
  }
}
