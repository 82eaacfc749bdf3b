import type { Job } from '../../functions/core/domain/job.ts';
import { isLive } from '../../functions/core/domain/lease.ts';
import type { JobStore } from '../../functions/core/store/job-store.ts';
import type { KillRecord } from './report.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Watches archive leases in the jobs table from outside the service: which archives a kill cut
 * off, and when a new worker took each over (seen by polling, so late by at most `pollMs`).
 */
export class ArchiveLeaseWatch {
  private stopped = false;
  private readonly following: Promise<void>[] = [];

  constructor(
    private readonly jobs: JobStore,
    private readonly pollMs = 250,
  ) {}

  /** Generated jobs whose archive lease is live now, with their holders. */
  async live(): Promise<Array<{ jobId: string; holder: string }>> {
    const now = Date.now();
    // a leased job is due when its lease ends: every generated job is due before the end of time
    const generated = await this.jobs.listDue('generated', Number.MAX_SAFE_INTEGER, 1_000);
    return generated.flatMap((job: Job) =>
      isLive(job.archiveLease, now) ? [{ jobId: job.id, holder: job.archiveLease.holder }] : [],
    );
  }

  /** Until some archive is running (true), or `timeoutMs` passed (false). */
  async waitForLive(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await this.live()).length > 0) return true;
      await sleep(20);
    }
    return false;
  }

  /** Records on `kill` when each of its orphans was taken over (another holder, or the job ended). */
  follow(kill: KillRecord): void {
    const run = async () => {
      while (!this.stopped && kill.orphans.some((orphan) => orphan.takenOverAt === undefined)) {
        for (const orphan of kill.orphans) {
          if (orphan.takenOverAt !== undefined) continue;
          const job = await this.jobs.get(orphan.jobId);
          if (job?.state !== 'generated' || job.archiveLease?.holder !== orphan.holder)
            orphan.takenOverAt = Date.now();
        }
        await sleep(this.pollMs);
      }
    };
    this.following.push(run());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.following);
  }
}
