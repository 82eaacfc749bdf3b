import type { Deps } from '../deps.ts';
import { isTerminal, type Job } from '../domain/job.ts';
import { METRIC } from '../metrics/metrics.ts';

export interface Updated {
  job: Job;
  changed: boolean;
  /** The copy `decide` moved on from, when it changed something (what settling a step compares). */
  previous?: Job;
}

const MAX_CONFLICTS = 8;

type UpdateDeps = Pick<Deps, 'jobs' | 'metrics'> & Partial<Pick<Deps, 'eventQueue' | 'logger'>>;

/**
 * Every transition passes here, so the write that recorded an event (the outbox) is the one place
 * its delivery message is sent from. A lost send is not a lost event: the reconciler finds it by index.
 */
async function announce(deps: UpdateDeps, previous: Job, next: Job): Promise<void> {
  if (!deps.eventQueue || !next.outbox || previous.outbox?.event.id === next.outbox.event.id) return;
  await deps.eventQueue.enqueue(next.id).catch((error: unknown) => {
    deps.logger?.warn('event enqueue failed; the reconciler will resend', {
      jobId: next.id,
      error: String(error),
    });
  });
}

/**
 * Reads a job, lets `decide` compute its next version (or nothing, for "no change"), and writes it
 * only if nobody wrote in between; on a conflict it reads again and decides again. This is how
 * every transition is a conditional write and a duplicate is a no-op.
 *
 * `known`, a copy the caller already read, is tried first to save a read on the hot paths; only a
 * successful conditional write is trusted from it, anything else is decided again on a fresh read.
 */
export async function updateJob(
  deps: UpdateDeps,
  id: string,
  decide: (job: Job) => Job | undefined,
  known?: Job,
): Promise<Updated | undefined> {
  const first = known && decide(known);
  if (first && known && (await deps.jobs.save(first))) {
    await announce(deps, known, first);
    return counted(deps, { job: first, changed: true, previous: known });
  }
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const job = await deps.jobs.get(id);
    if (!job) return undefined;
    const next = decide(job);
    if (!next) return { job, changed: false };
    if (await deps.jobs.save(next)) {
      await announce(deps, job, next);
      return counted(deps, { job: next, changed: true, previous: job });
    }
  }
  throw new Error(`job ${id}: gave up after ${MAX_CONFLICTS} conflicting writes`);
}

/**
 * Every transition passes here, and only one write can end a job (terminal states never change):
 * the one place that counts jobs ended, by outcome.
 */
function counted(deps: Pick<Deps, 'metrics'>, updated: Updated): Updated {
  const { job, previous } = updated;
  if (isTerminal(job.state) && previous && !isTerminal(previous.state)) {
    const code = job.state === 'completed' ? 'completed' : (job.error?.code ?? 'unknown');
    deps.metrics.emit({ name: METRIC.jobsEnded, unit: 'Count', value: 1, dimensions: { code } });
    deps.metrics.emit({ name: METRIC.jobsFinished, unit: 'Count', value: 1 });
  }
  return updated;
}
