import type { Deps } from '../deps.ts';
import { shardCap } from '../domain/limits.ts';
import { effectiveLimits, type TenantLimits } from '../domain/tenant.ts';

/** A tenant's limits: its overrides over the deployment's defaults. */
export async function tenantLimits(
  deps: Pick<Deps, 'tenants' | 'config'>,
  tenant: string,
): Promise<TenantLimits> {
  return effectiveLimits(deps.config.tenantDefaults, await deps.tenants.get(tenant));
}

/** Where a new job goes: a slot (in which shard of the deployment's pool), the queue, or nowhere. */
export type NewJobAdmission = { admission: 'active'; shard: number } | 'waiting' | 'full';

/**
 * Decides where a new job goes before it is recorded: a slot of its tenant and of the deployment
 * (submitted at once), the tenant's queue, or nowhere (`full`: 429 queue_full). It takes a slot only
 * when nobody of its tenant waits, so it never overtakes the queue.
 */
export async function admitNewJob(
  deps: Pick<Deps, 'usage' | 'config'>,
  tenant: string,
  jobId: string,
  now: number,
  limits: Pick<TenantLimits, 'maxActiveJobs' | 'maxQueuedJobs'>,
): Promise<NewJobAdmission> {
  if (await deps.usage.takeSlot({ tenant }, jobId, now, limits.maxActiveJobs, true)) {
    const shard = await deps.usage.takeSharedSlot(jobId, now, deps.config.globalLimits.maxActiveJobs);
    if (shard !== undefined) return { admission: 'active', shard };
    // the deployment is full: wait in the tenant's queue like any other job
    await deps.usage.release({ tenant }, jobId);
  }
  const queued = await deps.usage.enqueue({ tenant }, jobId, now, limits.maxQueuedJobs, limits.maxActiveJobs);
  return queued ? 'waiting' : 'full';
}

/**
 * Takes the job out of its tenant's pool (slot or queue entry alike) and, when it held one, out of
 * the shard of the deployment's pool its slot is in (`shard`; null: it held none). Idempotent.
 * Answers who may now be waiting for the slot: the tenant's queue, and whether the shard was full
 * (a job is refused a slot only when every shard is, so then another tenant's job may be waiting).
 */
export async function releaseSlot(
  deps: Pick<Deps, 'usage' | 'config'>,
  tenant: string,
  jobId: string,
  shard: number | null,
): Promise<{ tenantWaiting: boolean; globalWasFull: boolean }> {
  const [own, global] = await Promise.all([
    deps.usage.release({ tenant }, jobId),
    shard === null ? undefined : deps.usage.release({ shard }, jobId),
  ]);
  const { maxActiveJobs, poolShards } = deps.config.globalLimits;
  const shardHeld = global ? Object.keys(global.active).length : 0;
  return {
    tenantWaiting: own !== undefined && Object.keys(own.waiting).length > 0,
    globalWasFull:
      shard !== null && shardHeld + 1 >= shardCap(maxActiveJobs, poolShards, Math.min(shard, poolShards - 1)),
  };
}
