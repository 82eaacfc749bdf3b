import type { Deps } from '../deps.ts';
import { isTerminal, type Job } from '../domain/job.ts';
import { utcDay } from '../domain/limits.ts';
import { jobEndCounters } from '../domain/stats-counters.ts';

/**
 * Adds a job that just ended to its tenant's statistics (the counters of its creation day): called
 * with the one write that made it terminal, so each job is counted once. Never throws: statistics
 * must not fail a webhook or an archive; a lost addition is logged with the job id.
 */
export async function recordJobEnd(deps: Pick<Deps, 'stats' | 'logger'>, before: Job, after: Job) {
  // a sequence's scene is counted as part of its sequence's video, not as a video of its own
  if (isTerminal(before.state) || !isTerminal(after.state) || after.sceneOf) return;
  try {
    await deps.stats.add(after.tenant, utcDay(after.createdAt), jobEndCounters(after));
  } catch (error) {
    deps.logger.error('recording a job in the statistics failed', { jobId: after.id, error: String(error) });
  }
}
