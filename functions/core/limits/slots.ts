import type { Deps } from '../deps.ts';
import type { Job } from '../domain/job.ts';
import { isWaiting, waitingOrder } from '../domain/limits.ts';
import { effectiveLimits, type TenantLimits } from '../domain/tenant.ts';
import { admitWaiting, markFailed } from '../domain/transitions.ts';
import { submitJob } from '../jobs/submit-job.ts';
import { updateJob } from '../jobs/update-job.ts';
import { settle } from './settle.ts';

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

/** Fails a job that waited past the maximum age with `timeout`, giving back its place and its budget. */
export async function expireWaiting(deps: Deps, job: Job): Promise<boolean> {
  const minutes = Math.round(deps.policy.maxJobAgeMs / 60_000);
  const ended = await updateJob(
    deps,
    job.id,
    (current) =>
      current.state === 'queued' && isWaiting(current)
        ? markFailed(
            current,
            { code: 'timeout', message: `The video waited more than ${minutes} minutes for a free slot.` },
            deps.now(),
          )
        : undefined,
    job,
  );
  await settle(deps, ended);
  return ended?.changed ?? false;
}

/** Most promotions one pump makes: bounds the work a webhook or an API call does for others. */
const PUMP_LIMIT = 10;

/**
 * Moves the tenant's oldest waiting jobs into free slots (its own and the deployment's) and submits
 * them, until either pool is full or the queue is empty. Safe to run anywhere, any number of times at
 * once: promotion is a conditional write only one runner wins. Answers how many it submitted.
 */
export async function pumpTenant(deps: Deps, tenant: string): Promise<number> {
  let maxActive: number | undefined;
  let submitted = 0;
  for (let round = 0; round < PUMP_LIMIT * 2 && submitted < PUMP_LIMIT; round++) {
    const pool = await deps.usage.get({ tenant });
    // the cap the API last admitted by. Only the API may read tenants (the webhook and the
    // reconciler have no grant on the accounts table): a pool from before caps were recorded
    // pumps by the deployment's default until the tenant's next create records its own
    maxActive ??= pool.maxActive ?? deps.config.tenantDefaults.maxActiveJobs;
    if (Object.keys(pool.active).length >= maxActive) break;
    const next = waitingOrder(pool.waiting)[0];
    if (next === undefined) break;
    const ticket = pool.waiting[next] as number;
    const job = await deps.jobs.get(next);
    if (!job || !isWaiting(job) || job.state !== 'queued') {
      // its creator is still recording it, and pumps once it has
      if (!job && deps.now() - ticket < deps.policy.submitLeaseMs) break;
      // an entry left by a creator that died, or by a job that ended without handing it back
      await deps.usage.release({ tenant }, next, ticket);
      continue;
    }
    if (deps.now() - job.createdAt > deps.policy.maxJobAgeMs) {
      // waited past the age limit: it ends here rather than starting a generation nobody waits for
      await expireWaiting(deps, job);
      continue;
    }
    if (!(await deps.usage.promote({ tenant }, next, deps.now(), maxActive))) continue;
    if (!(await deps.usage.takeSlot('global', next, deps.now(), deps.config.globalLimits.maxActiveJobs))) {
      // the deployment is full: back to the head of the queue; a slot freed anywhere pumps again
      await deps.usage.requeue({ tenant }, next, ticket);
      break;
    }
    const admitted = await updateJob(
      deps,
      next,
      (current) =>
        current.state === 'queued' && isWaiting(current)
          ? admitWaiting(current, deps.now(), deps.policy)
          : undefined,
      job,
    );
    if (!admitted?.changed) {
      // it ended (deleted, timed out) while we promoted it
      await releaseSlot(deps, tenant, next);
      continue;
    }
    deps.logger.info('waiting job admitted', { jobId: next, tenant, waitedMs: deps.now() - ticket });
    await submitJob(deps, admitted.job);
    submitted++;
  }
  return submitted;
}

/**
 * Pumps every tenant that has jobs waiting, oldest waiter first: what runs when a slot of the
 * deployment frees (any tenant may be next) and on every reconciler pass.
 */
export async function pumpWaiting(deps: Deps, batch: number, only?: string[]): Promise<number> {
  const tenants = only ?? [...new Set((await deps.jobs.listWaiting(batch)).map((job: Job) => job.tenant))];
  let submitted = 0;
  for (const tenant of tenants) {
    const global = await deps.usage.get('global');
    if (Object.keys(global.active).length >= deps.config.globalLimits.maxActiveJobs) break;
    submitted += await pumpTenant(deps, tenant);
  }
  return submitted;
}

/**
 * Every tenant with a queue, longest waiter first, read from the pools themselves. The reconciler
 * pumps these: the oldest waiting jobs alone could all be one tenant's, held by its own cap, while
 * another tenant's job waits for a free global slot.
 */
export async function tenantsWithWaiters(deps: Deps): Promise<string[]> {
  const queues: Array<{ tenant: string; oldest: number }> = [];
  for (const { scope, pool } of await deps.usage.list()) {
    const tickets = Object.values(pool.waiting);
    if (scope !== 'global' && tickets.length > 0)
      queues.push({ tenant: scope.tenant, oldest: Math.min(...tickets) });
  }
  return queues.sort((a, b) => a.oldest - b.oldest).map(({ tenant }) => tenant);
}
