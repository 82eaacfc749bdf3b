import type { IdempotencyClaim } from '../domain/idempotency.ts';
import type { ActiveState, Job } from '../domain/job.ts';

export interface ListQuery {
  after?: string;
  limit: number;
  order: 'asc' | 'desc';
}

export interface JobPage {
  jobs: Job[];
  hasMore: boolean;
}

/** The jobs table. Every write but `create` is conditional on the version the caller read. */
export interface JobStore {
  /** Fails with `JobConflictError` when the id exists. */
  create(job: Job): Promise<void>;
  get(id: string): Promise<Job | undefined>;
  /**
   * Writes `next` if the stored job is still at `next.version - 1`.
   * Answers false when someone else wrote first (the caller re-reads and decides again).
   */
  save(next: Job): Promise<boolean>;
  /** A tenant's visible (not deleted) jobs in id order, which is creation order. */
  listByTenant(tenant: string, query: ListQuery): Promise<JobPage>;
  /** Active jobs in `state` whose `dueAt` has passed, oldest first (jobs waiting for a slot are not among them). */
  listDue(state: ActiveState, now: number, limit: number): Promise<Job[]>;
  /** Ended jobs whose event delivery is due (the outbox), oldest due first. */
  listEventsDue(now: number, limit: number): Promise<Job[]>;
  /** Jobs waiting for a concurrency slot, all tenants, longest waiting first. */
  listWaiting(limit: number): Promise<Job[]>;
  /**
   * Binds a tenant's Idempotency-Key to `claim` until `expiresAt` unless a live binding exists;
   * answers the binding that holds, which is an earlier request's when the key was used before.
   */
  claimIdempotencyKey(
    tenant: string,
    key: string,
    claim: IdempotencyClaim,
    now: number,
    expiresAt: number,
  ): Promise<IdempotencyClaim>;
}

export class JobConflictError extends Error {
  constructor(id: string) {
    super(`job ${id} already exists`);
    this.name = 'JobConflictError';
  }
}
