import type { Job } from './job.ts';
import { unbilledEstimateUsd } from './steps.ts';

/**
 * Concurrency, queueing and budget decisions, pure. The counters themselves live in the usage store
 * (functions/core/store/usage-store.ts); here is only the arithmetic and the rules about jobs.
 */

/** Deployment-wide caps that hold across every tenant. */
export interface GlobalLimits {
  /** Jobs at fal at once, all tenants together. */
  maxActiveJobs: number;
  /** Estimated spend per UTC day, all tenants together; null: no overall budget. */
  dailyBudgetUsd: number | null;
  /** Items the deployment's pool is split over (see poolShardCount): no item is written by every create. */
  poolShards: number;
}

/**
 * Slot holders one shard item is sized for: about 40 bytes each, so a full shard stays near 2 KB and
 * every write to it costs 2 WRU whatever the deployment's cap (a single item of 2,000 holders is 80 KB).
 */
export const HOLDERS_PER_SHARD = 50;

/** How many shards a deployment cap needs so that none holds more than HOLDERS_PER_SHARD. */
export function poolShardCount(maxActiveJobs: number): number {
  return Math.max(1, Math.ceil(maxActiveJobs / HOLDERS_PER_SHARD));
}

/** Shard `shard`'s part of a cap of `max` split over `shards`: the parts sum to `max` exactly. */
export function shardCap(max: number, shards: number, shard: number): number {
  return Math.floor(max / shards) + (shard < max % shards ? 1 : 0);
}

/**
 * The order a job tries the shards in: from one its id picks (spreading takers over the items), then
 * on round the ring, so a slot free anywhere is found and the cap is the sum of the shards.
 */
export function shardOrder(jobId: string, shards: number): number[] {
  let hash = 2166136261;
  for (let i = 0; i < jobId.length; i++) hash = Math.imul(hash ^ jobId.charCodeAt(i), 16777619);
  const start = (hash >>> 0) % shards;
  return Array.from({ length: shards }, (_, i) => (start + i) % shards);
}

const DAY_MS = 86_400_000;

/** The UTC day a moment falls in, `YYYY-MM-DD`: the budget window (sorts as text in time order). */
export function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

/** When the budget window holding `now` ends: the next midnight UTC. */
export function nextUtcMidnight(now: number): number {
  return (Math.floor(now / DAY_MS) + 1) * DAY_MS;
}

/** Whole seconds until the window resets, at least 1: the Retry-After of a `budget_exceeded`. */
export function secondsUntilReset(now: number): number {
  return Math.max(1, Math.ceil((nextUtcMidnight(now) - now) / 1000));
}

/** Money is counted in integer micro-dollars, so that sums of prices compare exactly with a budget. */
export function toMicros(usd: number): number {
  return Math.round(usd * 1_000_000);
}

/** Whether `costUsd` fits a window that has `spentMicros` of `limitUsd` used: reaching the limit exactly is allowed. */
export function fitsBudget(spentMicros: number, costUsd: number, limitUsd: number): boolean {
  return spentMicros + toMicros(costUsd) <= toMicros(limitUsd);
}

/** `$1.25`: prices are shown to the cent unless they need more. */
export function formatUsd(usd: number): string {
  return `$${Number.isInteger(usd * 100) ? usd.toFixed(2) : String(usd)}`;
}

/** The message of a `budget_exceeded`: whose budget, how much, and when it resets. */
export function budgetExceededMessage(
  scope: 'tenant' | 'overall',
  limitUsd: number,
  costUsd: number,
  now: number,
): string {
  const whose = scope === 'tenant' ? 'Your daily budget' : "The service's overall daily budget";
  const reset = new Date(nextUtcMidnight(now)).toISOString().replace('.000Z', 'Z');
  return `${whose} of ${formatUsd(limitUsd)} would be exceeded by this video (estimated ${formatUsd(costUsd)}); it resets at ${reset} (midnight UTC).`;
}

/** Queue entries (job id → ticket, the time it started waiting) in service order: oldest first, ties by id. */
export function waitingOrder(waiting: Record<string, number>): string[] {
  return Object.entries(waiting)
    .sort(([a, ta], [b, tb]) => ta - tb || (a < b ? -1 : a > b ? 1 : 0))
    .map(([id]) => id);
}

/** A waiting job's place in its tenant's queue, 1 = next; null when it is not in the queue. */
export function queuePosition(waiting: Record<string, number>, jobId: string): number | null {
  const index = waitingOrder(waiting).indexOf(jobId);
  return index < 0 ? null : index + 1;
}

/** A job waiting for a concurrency slot (recorded, not yet allowed to go to fal). */
export function isWaiting(job: Pick<Job, 'waitingSince'>): boolean {
  return job.waitingSince !== undefined;
}

/** A job holding a concurrency slot: from its admission until fal is done with it. */
export function holdsSlot(job: Pick<Job, 'slotHeldAt'>): boolean {
  return job.slotHeldAt !== undefined;
}

/** What a transition gives back to the pools. */
export interface Releases {
  /** The job's slot (and queue entry) go back: true when it held or awaited one and no longer does. */
  slot: boolean;
  /** A slot was freed, so the next waiting job can go now. */
  freed: boolean;
  /** Reserved spend to hand back, in USD: fal does not bill a generation that never produced a video. */
  refundUsd: number;
}

/**
 * What the step from `before` to `after` releases. Spend reserved at create is kept once fal has
 * produced the video (even if the archive later fails: fal billed it) and refunded when the job
 * fails or is cancelled before that.
 */
export function releasesOf(before: Job, after: Job): Releases {
  const claimed = holdsSlot(before) || isWaiting(before);
  const stillClaimed = holdsSlot(after) || isWaiting(after);
  const refunded =
    after.state === 'failed' &&
    before.state !== 'failed' &&
    (before.state === 'queued' || before.state === 'submitted') &&
    before.budgetDay !== undefined;
  return {
    slot: claimed && !stillClaimed,
    freed: holdsSlot(before) && !holdsSlot(after),
    // a multi-step job keeps what its finished steps cost: fal billed those
    refundUsd: refunded ? unbilledEstimateUsd(before) : 0,
  };
}
