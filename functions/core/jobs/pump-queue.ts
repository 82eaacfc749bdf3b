import type { EngineDeps } from '../deps.ts';
import type { Job } from '../domain/job.ts';
import { isWaiting, waitingOrder } from '../domain/limits.ts';
import { admitWaiting, markFailed } from '../domain/transitions.ts';
import { settle } from '../limits/settle.ts';
import { releaseSlot } from '../limits/slots.ts';
import { submitJob } from './submit-job.ts';
import { updateJob } from './update-job.ts';

/** Fails a job that waited past the maximum age with `timeout`, giving back its place and its budget. */
export async function expireWaiting(deps: EngineDeps, job: Job): Promise<boolean> {
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
export async function pumpTenant(deps: EngineDeps, tenant: string, max = PUMP_LIMIT): Promise<number> {
  let maxActive: number | undefined;
  let submitted = 0;
  for (let round = 0; round < PUMP_LIMIT * 2 && submitted < max; round++) {
    const pool = await deps.usage.get({ tenant });
    // the cap the API last admitted by. Only the API may read tenants (the workers have no grant on
    // the accounts table): a pool from before caps were recorded pumps by the deployment's default
    // until the tenant's next create records its own
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
    const shard = await deps.usage.takeSharedSlot(next, deps.now(), deps.config.globalLimits.maxActiveJobs);
    if (shard === undefined) {
      // the deployment is full: back to the head of the queue; a slot freed anywhere pumps again
      await deps.usage.requeue({ tenant }, next, ticket);
      break;
    }
    const admitted = await updateJob(
      deps,
      next,
      (current) =>
        current.state === 'queued' && isWaiting(current)
          ? admitWaiting(current, deps.now(), deps.policy, shard)
          : undefined,
      job,
    );
    if (!admitted?.changed) {
      // it ended (deleted, timed out) while we promoted it
      await releaseSlot(deps, tenant, next, shard);
      continue;
    }
    deps.logger.info('waiting job admitted', { jobId: next, tenant, waitedMs: deps.now() - ticket });
    await submitJob(deps, admitted.job);
    submitted++;
  }
  return submitted;
}

/**
 * Admits waiting jobs one at a time across tenants while the deployment has room: what runs when a
 * slot of the deployment frees and on every reconciler pass. Without `only`, in the order the jobs
 * started waiting, so a freed slot goes to the longest waiter of any tenant (one tenant's backlog
 * cannot starve another); with `only` (tenants, oldest waiter first), one job per tenant per round.
 * A tenant held by its own cap is passed over.
 */
export async function pumpWaiting(deps: EngineDeps, batch: number, only?: string[]): Promise<number> {
  const order = only ?? (await deps.jobs.listWaiting(batch)).map((job: Job) => job.tenant);
  const held = new Set<string>();
  let submitted = 0;
  for (let round = 0; round < PUMP_LIMIT; round++) {
    const before = submitted;
    for (const tenant of order) {
      if (held.has(tenant)) continue;
      const global = await deps.usage.get('global');
      if (Object.keys(global.active).length >= deps.config.globalLimits.maxActiveJobs) return submitted;
      const admitted = await pumpTenant(deps, tenant, 1);
      if (admitted === 0) held.add(tenant);
      submitted += admitted;
    }
    if (submitted === before) break;
  }
  return submitted;
}

/**
 * Every tenant with a queue, longest waiter first, read from the pools themselves. The reconciler
 * pumps these: the oldest waiting jobs alone could all be one tenant's, held by its own cap, while
 * another tenant's job waits for a free global slot.
 */
export async function tenantsWithWaiters(deps: EngineDeps): Promise<string[]> {
  const queues: Array<{ tenant: string; oldest: number }> = [];
  for (const { scope, pool } of await deps.usage.list()) {
    const tickets = Object.values(pool.waiting);
    if (scope !== 'global' && 'tenant' in scope && tickets.length > 0)
      queues.push({ tenant: scope.tenant, oldest: Math.min(...tickets) });
  }
  return queues.sort((a, b) => a.oldest - b.oldest).map(({ tenant }) => tenant);
}
