import type { EngineDeps } from '../deps.ts';
import { triedOn } from '../domain/fallback.ts';
import { type Job, stateVersionOf } from '../domain/job.ts';
import { claimRequeued, markFailed } from '../domain/transitions.ts';
import { settle } from '../limits/settle.ts';
import type { FollowUp } from '../queue/follow-up-queue.ts';
import { applyFalOutcome, fallbackDue } from './apply-fal-outcome.ts';
import { moveToFallback } from './fallback.ts';
import { runJoin } from './join-scenes.ts';
import { pumpTenant, pumpWaiting } from './pump-queue.ts';
import { submitJob } from './submit-job.ts';
import { updateJob } from './update-job.ts';

/**
 * A resubmit the job still wants: no transition since the one the message names (event bookkeeping
 * may have written since), queued, with no request in flight.
 */
async function resubmit(deps: EngineDeps, jobId: string, version: number): Promise<void> {
  const claimed = await updateJob(deps, jobId, (current) =>
    stateVersionOf(current) === version &&
    current.state === 'queued' &&
    current.requestId === undefined &&
    current.waitingSince === undefined &&
    !current.awaitingScenes
      ? claimRequeued(current, deps.now(), deps.policy)
      : undefined,
  );
  if (claimed?.changed) await submitJob(deps, claimed.job);
}

async function fetchResult(deps: EngineDeps, jobId: string, requestId: string): Promise<void> {
  const job = await deps.jobs.get(jobId);
  if (!job || (job.state !== 'queued' && job.state !== 'submitted')) return;
  // an earlier step's (or attempt's) request: the job has moved on, and its endpoint is another's
  if (job.priorRequestIds.includes(requestId)) return;
  const outcome = await deps.fal.result(job.falEndpoint, requestId);
  // the webhook that sent this was verified and carried the job's token, as for an inline payload
  await applyFalOutcome(deps, job, outcome, { adoptOrphan: true });
}

/**
 * The job's model is spent on this failure: its next fallback model takes it (then it is submitted),
 * or, when none can, it fails with the model's error and the reasons each fallback was passed over.
 */
async function fallBack(deps: EngineDeps, message: Extract<FollowUp, { kind: 'fallback' }>): Promise<void> {
  const job = await deps.jobs.get(message.jobId);
  const due = (current: Job) => fallbackDue(current, message.requestId, deps.policy);
  if (!job || !due(job)) return;
  const error = { code: message.code, message: message.message };
  const moved = await moveToFallback(deps, job, message.requestId, error, due);
  if ('switched' in moved) {
    await settle(deps, moved.switched);
    await submitJob(deps, moved.switched.job);
    return;
  }
  if (moved.tried.length === 0) return;
  const attempts = job.priorRequestIds.length + 1;
  const failed = await updateJob(
    deps,
    job.id,
    (current) =>
      due(current)
        ? {
            ...markFailed(
              current,
              { code: error.code, message: `${error.message} (after ${attempts} attempts)` },
              deps.now(),
            ),
            fallback: triedOn(current, moved.tried),
          }
        : undefined,
    job,
  );
  await settle(deps, failed);
}

/**
 * Runs one piece of follow-up work. Each is safe to run twice (a promotion, a claim or a transition
 * is a conditional write only one runner wins), so the queue may deliver a message more than once.
 * Throws when the work may succeed on a later delivery (fal or the store unreachable).
 */
export async function runFollowUp(deps: EngineDeps, message: FollowUp): Promise<void> {
  switch (message.kind) {
    case 'pump':
      await pumpTenant(deps, message.tenant);
      return;
    case 'pump-any':
      await pumpWaiting(deps, deps.config.reconcileBatch);
      if (message.thenTenant) await pumpTenant(deps, message.thenTenant);
      return;
    case 'resubmit':
      await resubmit(deps, message.jobId, message.version);
      return;
    case 'fallback':
      await fallBack(deps, message);
      return;
    case 'fetch-result':
      await fetchResult(deps, message.jobId, message.requestId);
      return;
    case 'scene-ended':
      await runJoin(deps, message.parentId);
      return;
    case 'cancel': {
      const answer = await deps.fal.cancel(message.endpoint, message.requestId);
      deps.logger.info('cancelled a fal request the job no longer needs', {
        jobId: message.jobId,
        requestId: message.requestId,
        answer,
      });
      return;
    }
  }
}
