import type { EngineDeps } from '../deps.ts';
import { claimRequeued } from '../domain/transitions.ts';
import type { FollowUp } from '../queue/follow-up-queue.ts';
import { applyFalOutcome } from './apply-fal-outcome.ts';
import { pumpTenant, pumpWaiting } from './pump-queue.ts';
import { submitJob } from './submit-job.ts';
import { updateJob } from './update-job.ts';

/** A resubmit the job still wants: it is queued at the version the message names, with no request in flight. */
async function resubmit(deps: EngineDeps, jobId: string, version: number): Promise<void> {
  const claimed = await updateJob(deps, jobId, (current) =>
    current.version === version &&
    current.state === 'queued' &&
    current.requestId === undefined &&
    current.waitingSince === undefined
      ? claimRequeued(current, deps.now())
      : undefined,
  );
  if (claimed?.changed) await submitJob(deps, claimed.job);
}

async function fetchResult(deps: EngineDeps, jobId: string, requestId: string): Promise<void> {
  const job = await deps.jobs.get(jobId);
  if (!job || (job.state !== 'queued' && job.state !== 'submitted')) return;
  const outcome = await deps.fal.result(job.falEndpoint, requestId);
  // the webhook that sent this was verified and carried the job's token, as for an inline payload
  await applyFalOutcome(deps, job, outcome, { adoptOrphan: true });
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
    case 'fetch-result':
      await fetchResult(deps, message.jobId, message.requestId);
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
