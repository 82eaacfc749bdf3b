import type { Deps } from '../deps.ts';
import type { Job } from '../domain/job.ts';
import { videoIdOf } from '../domain/sequence.ts';
import type { ListQuery } from '../store/job-store.ts';

/** Videos read at most per list call: a tenant with many videos and few sequences still gets a bounded answer. */
const MAX_SCANNED = 1_000;
const PAGE = 100;

export interface SequencePage {
  jobs: Job[];
  hasMore: boolean;
  /** The last video looked at: where the next page starts when this one found fewer than asked. */
  scannedTo?: string;
}

/**
 * A tenant's sequences in id order: its videos that are sequences, read a page at a time from the
 * jobs table (a sequence is its video, so no second table to keep in step), at most MAX_SCANNED.
 */
export async function listSequences(
  deps: Pick<Deps, 'jobs'>,
  tenant: string,
  query: ListQuery,
): Promise<SequencePage> {
  const found: Job[] = [];
  let after = query.after === undefined ? undefined : videoIdOf(query.after);
  for (let scanned = 0; scanned < MAX_SCANNED; scanned += PAGE) {
    const page = await deps.jobs.listByTenant(tenant, { after, limit: PAGE, order: query.order });
    for (const job of page.jobs) {
      if (!job.spec.sequence) continue;
      found.push(job);
      if (found.length > query.limit) return { jobs: found.slice(0, query.limit), hasMore: true };
    }
    const last = page.jobs.at(-1);
    if (!page.hasMore || !last) return { jobs: found, hasMore: false };
    after = last.id;
  }
  return { jobs: found, hasMore: true, scannedTo: after };
}
