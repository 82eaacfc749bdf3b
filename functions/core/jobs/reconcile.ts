import type { EngineDeps } from '../deps.ts';
import type { ActiveState, Job } from '../domain/job.ts';
import { isWaiting } from '../domain/limits.ts';
import { markEventResent } from '../domain/outbox.ts';
import type { JobPolicy } from '../domain/policy.ts';
import { failSequence } from '../domain/scenes.ts';
import {
  claimForSubmit,
  isArchiveLeased,
  markArchiveResent,
  markFailed,
  schedulePoll,
} from '../domain/transitions.ts';
import { repairPools } from '../limits/repair.ts';
import { settle } from '../limits/settle.ts';

import { applyFalOutcome } from './apply-fal-outcome.ts';
import { readScenes, reconcileAwaiting, runJoin } from './join-scenes.ts';
import { expireWaiting, pumpWaiting, tenantsWithWaiters } from './pump-queue.ts';
import { submitJob } from './submit-job.ts';
import { updateJob } from './update-job.ts';

export interface ReconcileReport {
  submitted: number;
  polled: number;
  finishedByPolling: number;
  archivesResent: number;
  /** Events not yet delivered whose delivery was due (a lost message, a dead run, a retry further off than a queue waits). */
  eventsResent: number;
  timedOut: number;
  /** Waiting jobs given a slot that freed without anyone handing it on. */
  admitted: number;
  /** Slot and queue entries whose job no longer needed them (a crashed holder). */
  repaired: number;
  errors: number;
}

export interface ReconcileLimits {
  /** Jobs taken per state per run. */
  batch: number;
  /** Epoch ms by which the run stops taking new jobs. */
  deadline: number;
}

const isDue = (job: Job, now: number) => job.dueAt !== undefined && job.dueAt <= now;

/**
 * A generated video is paid for: its archive gets its attempts' time beyond the usual age limit (a
 * pickup and a lease each; an attempt that is still copying renews its lease and is never due).
 */
const maxAge = (job: Job, policy: JobPolicy) =>
  policy.maxJobAgeMs +
  (job.state === 'generated'
    ? (policy.archivePickupMs + policy.archiveLeaseMs) * policy.maxArchiveAttempts
    : 0);

async function failTimedOut(deps: EngineDeps, job: Job): Promise<boolean> {
  // a sequence's video records what its scenes had cost by then
  const scenes = job.sceneIds ? await readScenes(deps, job) : [];
  const updated = await updateJob(
    deps,
    job.id,
    (current) => {
      if (current.state !== job.state || !isDue(current, deps.now())) return undefined;
      const error = {
        code: 'timeout',
        message: `The video did not finish within ${Math.round(maxAge(current, deps.policy) / 60_000)} minutes.`,
      };
      return current.sceneIds
        ? failSequence(current, scenes, error, deps.now())
        : markFailed(current, error, deps.now());
    },
    job,
  );
  if (updated?.changed && job.requestId) {
    await deps.fal.cancel(job.falEndpoint, job.requestId).catch(() => undefined);
  }
  await settle(deps, updated);
  // a sequence that timed out stops its scenes still running
  if (updated?.changed && updated.job.sceneIds) await runJoin(deps, job.id, updated.job);
  return updated?.changed ?? false;
}

/**
 * A queued job whose submit lease ran out (a retry is due, or a submitter died): take it and
 * submit, unless its attempts are spent (a submitter that keeps dying never records a failure).
 */
async function resubmit(deps: EngineDeps, job: Job, report: ReconcileReport): Promise<void> {
  const { policy } = deps;
  // a sequence awaiting its scenes is never submitted: the join is the net for a lost scene-ended
  if (job.awaitingScenes) {
    if ((await reconcileAwaiting(deps, job)) === 'merged') report.submitted++;
    return;
  }
  const claimed = await updateJob(
    deps,
    job.id,
    (current) => {
      if (current.state !== 'queued' || !isDue(current, deps.now()) || current.awaitingScenes)
        return undefined;
      if (current.submitAttempts < policy.maxSubmitAttempts)
        return claimForSubmit(current, deps.now(), policy);
      const message = `fal did not accept the job after ${current.submitAttempts} attempts: ${current.lastFault ?? 'no answer'}`;
      return markFailed(current, { code: 'provider_unavailable', message }, deps.now());
    },
    job,
  );
  if (claimed?.changed && claimed.job.state === 'failed') await settle(deps, claimed);
  if (!claimed?.changed || claimed.job.state !== 'queued') return;
  await submitJob(deps, claimed.job);
  report.submitted++;
}

/** A submitted job whose webhook is overdue: ask fal, and finish it through the webhook's own code path. */
async function poll(deps: EngineDeps, job: Job, report: ReconcileReport): Promise<void> {
  const claimed = await updateJob(
    deps,
    job.id,
    (current) =>
      current.state === 'submitted' && isDue(current, deps.now())
        ? schedulePoll(current, deps.now(), deps.policy)
        : undefined,
    job,
  );
  if (!claimed?.changed || !claimed.job.requestId) return;
  const { falEndpoint, requestId } = claimed.job;
  report.polled++;
  if ((await deps.fal.status(falEndpoint, requestId)) !== 'COMPLETED') return;
  const outcome = await deps.fal.result(falEndpoint, requestId);
  if ((await applyFalOutcome(deps, claimed.job, outcome)) !== 'ignored') report.finishedByPolling++;
}

/** A generated job nobody archived in time (a lost message, a dead archiver): send it to the archiver again. */
async function resendArchive(deps: EngineDeps, job: Job, report: ReconcileReport): Promise<void> {
  const claimed = await updateJob(
    deps,
    job.id,
    (current) =>
      current.state === 'generated' && isDue(current, deps.now()) && !isArchiveLeased(current, deps.now())
        ? markArchiveResent(current, deps.now(), deps.policy)
        : undefined,
    job,
  );
  if (!claimed?.changed) return;
  await deps.archiveQueue.enqueue(job.id);
  report.archivesResent++;
}

const STEPS: Record<ActiveState, typeof resubmit> = {
  queued: resubmit,
  submitted: poll,
  generated: resendArchive,
};

/** The outbox pass: every ended job whose event delivery is due gets its message again. */
async function reconcileEvents(
  deps: EngineDeps,
  limits: ReconcileLimits,
  report: ReconcileReport,
): Promise<void> {
  for (const job of await deps.jobs.listEventsDue(deps.now(), limits.batch)) {
    if (deps.now() >= limits.deadline) return;
    try {
      const claimed = await updateJob(deps, job.id, (current) => markEventResent(current, deps.now()), job);
      if (!claimed?.changed) continue;
      await deps.eventQueue.enqueue(job.id);
      report.eventsResent++;
    } catch (error) {
      report.errors++;
      deps.logger.error('re-driving an event failed', { jobId: job.id, error: String(error) });
    }
  }
}

/**
 * The capacity pass: gives back slots crashed holders left, ends jobs that waited past the maximum
 * age, and admits waiting jobs into slots nobody handed on. Pumping is what a freed slot does at
 * once; this is the safety net behind it.
 */
async function reconcileWaiting(
  deps: EngineDeps,
  limits: ReconcileLimits,
  report: ReconcileReport,
): Promise<void> {
  try {
    report.repaired += await repairPools(deps);
    for (const job of await deps.jobs.listWaiting(limits.batch)) {
      if (deps.now() >= limits.deadline) return;
      if (
        isWaiting(job) &&
        deps.now() - job.createdAt > deps.policy.maxJobAgeMs &&
        (await expireWaiting(deps, job))
      )
        report.timedOut++;
    }
    report.admitted += await pumpWaiting(deps, limits.batch, await tenantsWithWaiters(deps));
  } catch (error) {
    report.errors++;
    deps.logger.error('reconciling slots and queues failed', { error: String(error) });
  }
}

/**
 * One scheduled pass: drives every due active job one step on, and ends any past the maximum age.
 * Bounded in work (batch per state) and time (deadline); what is left waits for the next pass.
 */
export async function reconcile(deps: EngineDeps, limits: ReconcileLimits): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    submitted: 0,
    polled: 0,
    finishedByPolling: 0,
    archivesResent: 0,
    eventsResent: 0,
    timedOut: 0,
    admitted: 0,
    repaired: 0,
    errors: 0,
  };
  for (const state of Object.keys(STEPS) as ActiveState[]) {
    const due = await deps.jobs.listDue(state, deps.now(), limits.batch);
    for (const job of due) {
      if (deps.now() >= limits.deadline) return report;
      try {
        if (deps.now() - job.createdAt > maxAge(job, deps.policy)) {
          if (await failTimedOut(deps, job)) report.timedOut++;
        } else {
          await STEPS[state](deps, job, report);
        }
      } catch (error) {
        report.errors++;
        deps.logger.error('reconcile step failed', { jobId: job.id, state, error: String(error) });
      }
    }
  }
  if (deps.now() < limits.deadline) await reconcileEvents(deps, limits, report);
  if (deps.now() < limits.deadline) await reconcileWaiting(deps, limits, report);
  if (Object.values(report).some((count) => count > 0)) deps.logger.info('reconciled', { ...report });
  return report;
}
