import type { Deps } from '../deps.ts';
import { costSettlementUsd } from '../domain/cost.ts';
import type { Job } from '../domain/job.ts';
import { holdsSlot, releasesOf } from '../domain/limits.ts';
import { recordJobEnd } from '../insights/record-job-end.ts';
import type { FollowUp } from '../queue/follow-up-queue.ts';
import { refundBudget } from './budget.ts';
import { releaseSlot } from './slots.ts';

/** A write that moved a job on: the job before and after it (what `updateJob` answers). */
export interface SettledWrite {
  changed: boolean;
  job: Job;
  previous?: Job;
}

type SettleDeps = Pick<Deps, 'usage' | 'config' | 'logger' | 'followUps' | 'stats'>;

/**
 * What every code path that moves a job on calls with the write it made: gives back the slot (or
 * queue entry) the job no longer needs, refunds spend fal will not bill (the budget settled on what
 * fal billed), and counts a job that ended in the statistics. When a slot freed, the next waiting job
 * is a message for the follow-up worker, never work done here: a webhook or an API request answers
 * for its own job only. Never throws: the reconciler repairs a pool a failure here left behind, and
 * pumps every queue on its pass.
 */
export async function settle(deps: SettleDeps, updated: SettledWrite | undefined): Promise<void> {
  if (!updated?.changed || !updated.previous) return;
  await settleStep(deps, updated.previous, updated.job);
}

export async function settleStep(deps: SettleDeps, before: Job, after: Job): Promise<void> {
  await recordJobEnd(deps, before, after);
  const releases = releasesOf(before, after);
  try {
    // a job from before shards holds its slot in shard 0, the single pool's item
    const shard = holdsSlot(before) ? (before.slotShard ?? 0) : null;
    const waiters = releases.slot ? await releaseSlot(deps, after.tenant, after.id, shard) : undefined;
    if (releases.refundUsd > 0 && before.budgetDay)
      await refundBudget(deps, after.tenant, before.budgetDay, releases.refundUsd);
    // the budget is settled on what fal billed: the difference from the estimate goes back (or on)
    const settleUsd = costSettlementUsd(before, after);
    if (settleUsd !== 0 && before.budgetDay)
      await refundBudget(deps, after.tenant, before.budgetDay, -settleUsd);
    // only who can be waiting for this very slot is told. When the deployment's cap held jobs back,
    // its freed slot goes to the longest waiter of any tenant first, then the tenant's own queue
    // takes whatever room is left (one message, so the order holds); else the tenant's queue.
    if (releases.freed && waiters?.globalWasFull)
      await sendFollowUp(
        deps,
        { kind: 'pump-any', ...(waiters.tenantWaiting && { thenTenant: after.tenant }) },
        after.id,
      );
    else if (releases.freed && waiters?.tenantWaiting)
      await sendFollowUp(deps, { kind: 'pump', tenant: after.tenant }, after.id);
  } catch (error) {
    deps.logger.error('settling a job step failed; the reconciler repairs the pools', {
      jobId: after.id,
      error: String(error),
    });
  }
}

/** Sends follow-up work; a lost send is logged, and the reconciler does the same work on its next pass. */
export async function sendFollowUp(
  deps: Pick<Deps, 'followUps' | 'logger'>,
  message: FollowUp,
  jobId: string,
): Promise<void> {
  await deps.followUps.send(message).catch((error: unknown) => {
    deps.logger.error('follow-up send failed; the reconciler will do the work', {
      jobId,
      kind: message.kind,
      error: String(error),
    });
  });
}
