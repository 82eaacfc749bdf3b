import type { Deps } from '../deps.ts';
import type { Job } from '../domain/job.ts';

export interface Updated {
  job: Job;
  changed: boolean;
  /** The copy `decide` moved on from, when it changed something (what settling a step compares). */
  previous?: Job;
}

const MAX_CONFLICTS = 8;

/**
 * Reads a job, lets `decide` compute its next version (or nothing, for "no change"), and writes it
 * only if nobody wrote in between; on a conflict it reads again and decides again. This is how
 * every transition is a conditional write and a duplicate is a no-op.
 *
 * `known`, a copy the caller already read, is tried first to save a read on the hot paths; only a
 * successful conditional write is trusted from it, anything else is decided again on a fresh read.
 */
export async function updateJob(
  deps: Pick<Deps, 'jobs'>,
  id: string,
  decide: (job: Job) => Job | undefined,
  known?: Job,
): Promise<Updated | undefined> {
  const first = known && decide(known);
  if (first && (await deps.jobs.save(first))) return { job: first, changed: true, previous: known };
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const job = await deps.jobs.get(id);
    if (!job) return undefined;
    const next = decide(job);
    if (!next) return { job, changed: false };
    if (await deps.jobs.save(next)) return { job: next, changed: true, previous: job };
  }
  throw new Error(`job ${id}: gave up after ${MAX_CONFLICTS} conflicting writes`);
}
