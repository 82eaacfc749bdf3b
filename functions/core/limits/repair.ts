import type { EngineDeps } from '../deps.ts';
import type { Job } from '../domain/job.ts';
import { holdsSlot, isWaiting } from '../domain/limits.ts';

/**
 * Gives back slots whose holder no longer needs them: a process that died between moving a job on
 * and releasing its slot, or between taking a slot and recording the job. An entry is judged only
 * once it is older than a submit lease (a taker in the middle of its two writes is left alone), and
 * removed only if it still carries the time it was read with, so a slot taken again meanwhile stays.
 * Queue entries are checked where they are used: at the head of the queue (see pumpTenant).
 * Answers how many entries it removed.
 */
export async function repairPools(deps: EngineDeps): Promise<number> {
  const jobs = new Map<string, Job | undefined>();
  const jobOf = async (id: string) => {
    if (!jobs.has(id)) jobs.set(id, await deps.jobs.get(id));
    return jobs.get(id);
  };
  let removed = 0;
  for (const { scope, pool } of await deps.usage.list()) {
    for (const [jobId, since] of Object.entries(pool.active)) {
      if (deps.now() - since < deps.policy.submitLeaseMs) continue;
      const job = await jobOf(jobId);
      // a shard's entry counts only if it is the shard the job records (one slot per job, not two)
      const shard = scope !== 'global' && 'shard' in scope ? scope.shard : undefined;
      if (job && holdsSlot(job) && (shard === undefined || (job.slotShard ?? 0) === shard)) continue;
      const stillWaiting = job?.state === 'queued' && isWaiting(job) && job.waitingSince !== undefined;
      const tenant = scope !== 'global' && 'tenant' in scope ? scope.tenant : undefined;
      if (stillWaiting && tenant !== undefined) {
        // promoted by a pump that died before the job recorded it: back to its place in the queue
        await deps.usage.requeue(scope, jobId, job.waitingSince as number);
        removed++;
        deps.logger.warn('slot repaired: a waiting job goes back to its queue', {
          jobId,
          tenant,
        });
        continue;
      }
      await deps.usage.release(scope, jobId, since);
      removed++;
      deps.logger.warn('slot repaired: its holder no longer needed it', {
        jobId,
        pool: tenant ?? `shard ${scope !== 'global' && 'shard' in scope ? scope.shard : 0}`,
        state: job?.state ?? 'absent',
      });
    }
  }
  return removed;
}
