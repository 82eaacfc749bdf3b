import type { Deps } from '../deps.ts';
import type { Job } from '../domain/job.ts';
import { isWaiting, queuePosition } from '../domain/limits.ts';

/**
 * Queue positions of the given jobs (id → position) from one read of their tenant's queue, and only
 * when one of them waits: a job that is not waiting costs nothing. The position is the job's rank
 * among the tenant's waiting jobs; when the overall cap is what holds it, other tenants' jobs may
 * still start first.
 */
export async function queuePositions(
  deps: Pick<Deps, 'usage'>,
  tenant: string,
  jobs: Job[],
): Promise<Map<string, number | null>> {
  const positions = new Map<string, number | null>();
  if (!jobs.some(isWaiting)) return positions;
  const { waiting } = await deps.usage.get({ tenant });
  for (const job of jobs) if (isWaiting(job)) positions.set(job.id, queuePosition(waiting, job.id));
  return positions;
}
