import type { Deps } from '../deps.ts';
import type { TenantLimits } from '../domain/tenant.ts';
import { LimitExceeded } from '../errors.ts';
import { JobConflictError } from '../store/job-store.ts';
import { refundBudget, reserveBudget } from './budget.ts';
import { admitNewJob, releaseSlot } from './slots.ts';

const queueFull = (maxQueued: number) =>
  new LimitExceeded(
    'queue_full',
    `Too many videos are waiting: at most ${maxQueued} may wait for a free slot. Retry once some have started.`,
    { retryAfterSeconds: 30 },
  );

/** A create let through: how it waits (or not), whose budget day holds it, and how to take it back. */
export interface AdmittedCreate {
  admission: 'active' | 'waiting';
  budgetDay: string;
  /** The shard of the deployment's pool an active job's slot is in (recorded on the job). */
  slotShard?: number;
  /**
   * Gives back what was taken when the job could not be recorded after all (a failed upload, a
   * failed write). A job already recorded under the same id (a duplicate create) keeps the slot.
   * Never throws: a failure here is repaired later.
   */
  undo(error: unknown): Promise<void>;
}

/**
 * Everything a create must pass before it is recorded: today's budget of the tenant and of the
 * deployment (429 `budget_exceeded`), then a slot or a place in the tenant's queue (429 `queue_full`).
 */
export async function admitCreate(
  deps: Deps,
  tenant: string,
  jobId: string,
  costUsd: number,
  now: number,
  limits: TenantLimits,
): Promise<AdmittedCreate> {
  const budgetDay = await reserveBudget(deps, tenant, limits, costUsd, now);
  const refund = () =>
    refundBudget(deps, tenant, budgetDay, costUsd).catch((error: unknown) =>
      deps.logger.error('refunding a refused create failed', { jobId, error: String(error) }),
    );
  let admission: Awaited<ReturnType<typeof admitNewJob>>;
  try {
    admission = await admitNewJob(deps, tenant, jobId, now, limits);
  } catch (error) {
    await refund();
    throw error;
  }
  if (admission === 'full') {
    await refund();
    throw queueFull(limits.maxQueuedJobs);
  }
  const shard = admission === 'waiting' ? null : admission.shard;
  return {
    admission: admission === 'waiting' ? 'waiting' : 'active',
    budgetDay,
    ...(shard !== null && { slotShard: shard }),
    async undo(error) {
      // a job recorded under this id (a concurrent duplicate of an Idempotency-Key) keeps the slot
      const recorded =
        error instanceof JobConflictError ||
        (await deps.jobs.get(jobId).catch(() => undefined)) !== undefined;
      if (!recorded) {
        await releaseSlot(deps, tenant, jobId, shard).catch((undo: unknown) =>
          deps.logger.error('releasing a refused create failed', { jobId, error: String(undo) }),
        );
      }
      await refund();
    },
  };
}
