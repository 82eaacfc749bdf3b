/**
 * A pool of concurrency slots and a daily spend counter: one per tenant and one for the whole
 * deployment, the latter split over shards (items) so no single item is written by every create.
 * Slots and queue entries are keyed by job id, so taking and giving back are idempotent (a retried or
 * duplicated release can never free someone else's slot).
 */
export interface UsagePool {
  /** Jobs holding a slot → when they took it (epoch ms). */
  active: Record<string, number>;
  /** Jobs waiting for a slot → their ticket (when they started waiting). Tenant pools only. */
  waiting: Record<string, number>;
  /** The UTC day `spentMicros` belongs to; an older day counts as nothing spent. */
  spendDay?: string;
  /** Estimated spend reserved in `spendDay`, in micro-dollars. */
  spentMicros: number;
  /**
   * The cap the last admission used: what a webhook or the reconciler pumps by, so only the API
   * reads tenants' limits (a changed limit applies from the tenant's next create).
   */
  maxActive?: number;
}

/**
 * A tenant's pool, the deployment's as a whole (read: every shard merged; taken: the first shard with
 * room), or one shard of the deployment's pool. Spend of the deployment lives with shard 0.
 */
export type PoolScope = { tenant: string } | 'global' | { shard: number };

export interface UsageStore {
  /** A consistent read; an unknown pool is empty. */
  get(scope: PoolScope): Promise<UsagePool>;
  /** Every pool there is, each shard of the deployment's on its own (the reconciler's repair pass). */
  list(): Promise<Array<{ scope: PoolScope; pool: UsagePool }>>;
  /**
   * Gives `jobId` a slot if it has one already, or if fewer than `max` are held (and, with
   * `onlyIfNoneWaiting`, nobody waits: a new job does not overtake the queue). Answers whether it holds one.
   * A slot taken records `max` as the pool's cap.
   */
  takeSlot(
    scope: PoolScope,
    jobId: string,
    at: number,
    max: number,
    onlyIfNoneWaiting?: boolean,
  ): Promise<boolean>;
  /**
   * A slot of the deployment's pool in the first of the job's shards (domain/limits.ts shardOrder)
   * holding fewer than its part of `max`: the shard taken, or undefined when every shard is full.
   */
  takeSharedSlot(jobId: string, at: number, max: number): Promise<number | undefined>;
  /** Moves a waiting job to a slot if it still waits and fewer than `max` are held; false otherwise. */
  promote(scope: PoolScope, jobId: string, at: number, max: number): Promise<boolean>;
  /** Puts a job in the queue with `ticket` unless `maxQueued` already wait; true when it waits. Records `maxActive` as the pool's cap. */
  enqueue(
    scope: PoolScope,
    jobId: string,
    ticket: number,
    maxQueued: number,
    maxActive?: number,
  ): Promise<boolean>;
  /** Moves a job from its slot back to the queue with its old ticket (the overall pool was full). */
  requeue(scope: PoolScope, jobId: string, ticket: number): Promise<void>;
  /**
   * Takes the job out of the pool (slot and queue). With `ifSince`, only if its entry still carries
   * that time: the repair pass must not remove an entry taken again meanwhile. Answers the pool as
   * it is afterwards (undefined when `ifSince` did not match), which tells whether anyone waits.
   */
  release(scope: PoolScope, jobId: string, ifSince?: number): Promise<UsagePool | undefined>;
  /** Adds `micros` to `day`'s spend if it stays within `limitMicros`; false when it would not. */
  reserveSpend(scope: PoolScope, day: string, micros: number, limitMicros: number): Promise<boolean>;
  /** Hands back a reservation made in `day`; nothing to do once that day is over. */
  refundSpend(scope: PoolScope, day: string, micros: number): Promise<void>;
}
