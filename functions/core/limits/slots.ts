import type { Deps } from '../deps.ts';
import { effectiveLimits, type TenantLimits } from '../domain/tenant.ts';

/** A tenant's limits: its overrides over the deployment's defaults. */
export async function tenantLimits(
  deps: Pick<Deps, 'tenants' | 'config'>,
  tenant: string,
): Promise<TenantLimits> {
  return effectiveLimits(deps.config.tenantDefaults, await deps.tenants.get(tenant));
}

export type NewJobAdmission = 'active' | 'waiting' | 'full';

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
    if (await deps.usage.takeSlot('global', jobId, now, deps.config.globalLimits.maxActiveJobs))
      return 'active';
    // the deployment is full: wait in the tenant's queue like any other job
    await deps.usage.release({ tenant }, jobId);
  }
  const queued = await deps.usage.enqueue({ tenant }, jobId, now, limits.maxQueuedJobs, limits.maxActiveJobs);
  return queued ? 'waiting' : 'full';
}

/**
 * Takes the job out of its tenant's pool and the deployment's (slot or queue entry alike). Idempotent.
 * Answers who may now be waiting for the slot: the tenant's queue, and whether the deployment was full
 * (then another tenant's job may be waiting for it).
 */
export async function releaseSlot(
  deps: Pick<Deps, 'usage' | 'config'>,
  tenant: string,
  jobId: string,
): Promise<{ tenantWaiting: boolean; globalWasFull: boolean }> {
  const [own, global] = await Promise.all([
    deps.usage.release({ tenant }, jobId),
    deps.usage.release('global', jobId),
  ]);
  const globalHeld = global ? Object.keys(global.active).length : 0;
  return {
    tenantWaiting: own !== undefined && Object.keys(own.waiting).length > 0,
    globalWasFull: globalHeld + 1 >= deps.config.globalLimits.maxActiveJobs,
  };
}
