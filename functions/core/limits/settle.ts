import type { Deps } from '../deps.ts';
import { costSettlementUsd } from '../domain/cost.ts';
import type { Job } from '../domain/job.ts';
import { releasesOf } from '../domain/limits.ts';
import { recordJobEnd } from '../insights/record-job-end.ts';
import type { Updated } from '../jobs/update-job.ts';
import { refundBudget } from './budget.ts';
import { pumpTenant, pumpWaiting, releaseSlot } from './slots.ts';

/**
 * What every code path that moves a job on calls with the write it made: gives back the slot (or
 * queue entry) the job no longer needs, refunds spend fal will not bill, and, when a slot freed,
 * submits the next waiting job at once (its tenant's first, then anyone's), and counts a job that
 * ended in the statistics. Never throws: the
 * reconciler repairs a pool a failure here left behind.
 */
export async function settle(deps: Deps, updated: Updated | undefined): Promise<void> {
  if (!updated?.changed || !updated.previous) return;
  await settleStep(deps, updated.previous, updated.job);
}

export async function settleStep(deps: Deps, before: Job, after: Job): Promise<void> {
  await recordJobEnd(deps, before, after);
  const releases = releasesOf(before, after);
  try {
    const waiters = releases.slot ? await releaseSlot(deps, after.tenant, after.id) : undefined;
    if (releases.refundUsd > 0 && before.budgetDay)
      await refundBudget(deps, after.tenant, before.budgetDay, releases.refundUsd);
    // the budget is settled on what fal billed: the difference from the estimate goes back (or on)
    const settleUsd = costSettlementUsd(before, after);
    if (settleUsd !== 0 && before.budgetDay)
      await refundBudget(deps, after.tenant, before.budgetDay, -settleUsd);
    // only who can be waiting for this very slot is pumped: a webhook should answer fal quickly
    if (releases.freed && waiters?.tenantWaiting) await pumpTenant(deps, after.tenant);
    if (releases.freed && waiters?.globalWasFull) await pumpWaiting(deps, deps.config.reconcileBatch);
  } catch (error) {
    deps.logger.error('settling a job step failed; the reconciler repairs the pools', {
      jobId: after.id,
      error: String(error),
    });
  }
}
