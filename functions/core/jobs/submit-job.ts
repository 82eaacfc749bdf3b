import type { Deps } from '../deps.ts';
import { classifyFalFailure, type FalFailure } from '../domain/fal-outcome.ts';
import type { Job } from '../domain/job.ts';
import { backoffDelay } from '../domain/policy.ts';
import { markSubmitFailed, markSubmitted, scheduleSubmitRetry } from '../domain/transitions.ts';
import { FalCallError } from '../fal/fal-gateway.ts';
import { updateJob } from './update-job.ts';

/** `${PUBLIC_URL}/webhooks/fal?job=…&token=…`, or none when nothing public can reach us (then we poll). */
export function webhookUrl(publicUrl: string | undefined, job: Job): string | undefined {
  if (!publicUrl) return undefined;
  const query = new URLSearchParams({ job: job.id, token: job.webhookToken });
  return `${publicUrl}/webhooks/fal?${query}`;
}

function failureOf(error: unknown): FalFailure {
  if (error instanceof FalCallError) return error.failure;
  return { network: true, message: error instanceof Error ? error.message : String(error) };
}

/**
 * Submits a queued job the caller holds (fresh, or claimed by the reconciler). The fal client has
 * already retried transient errors; what still fails is retried later with backoff if it can
 * succeed, or ends the job. Never throws: a failure is recorded on the job.
 */
export async function submitJob(deps: Deps, job: Job): Promise<Job> {
  const { fal, policy, logger } = deps;
  let requestId: string;
  try {
    ({ requestId } = await fal.submit(job.falEndpoint, job.falInput, webhookUrl(deps.config.publicUrl, job)));
  } catch (error) {
    const { retryable, error: jobError } = classifyFalFailure(failureOf(error));
    const updated = await updateJob(deps, job.id, (current) => {
      if (current.state !== 'queued') return undefined;
      const attempts = current.submitAttempts + 1;
      if (retryable && attempts < policy.maxSubmitAttempts) {
        const now = deps.now();
        return scheduleSubmitRetry(
          current,
          jobError.message,
          now + backoffDelay(attempts, policy, deps.random()),
          now,
        );
      }
      const message = retryable
        ? `fal did not accept the job after ${attempts} attempts: ${jobError.message}`
        : jobError.message;
      return markSubmitFailed(current, { code: jobError.code, message }, deps.now());
    });
    logger.warn('fal submit failed', {
      jobId: job.id,
      code: jobError.code,
      retryable,
      state: updated?.job.state,
    });
    return updated?.job ?? job;
  }
  const updated = await updateJob(deps, job.id, (current) =>
    // the webhook may have beaten this answer (or the job was deleted): then there is nothing to record
    current.state === 'queued' &&
    current.requestId === undefined &&
    !current.priorRequestIds.includes(requestId)
      ? markSubmitted(current, requestId, deps.now(), policy)
      : undefined,
  );
  logger.info('submitted to fal', { jobId: job.id, requestId, endpoint: job.falEndpoint });
  return updated?.job ?? job;
}
