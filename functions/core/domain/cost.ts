import type { Job } from './job.ts';
import { toMicros } from './limits.ts';

/** What fal billed for one request of a job: `units × unitPriceUsd`, when both are known. */
export interface FalRequestCost {
  requestId: string;
  endpoint: string;
  /** false: the request failed, and fal bills only successful outputs. */
  billed: boolean;
  units?: number;
  unitPriceUsd?: number;
  costUsd?: number;
}

export type CostBasis = 'actual' | 'estimate' | 'not_billed';

/** A request's cost in USD, rounded to whole micro-dollars like every budget amount. */
export function requestCost(units: number, unitPriceUsd: number): number {
  return toMicros(units * unitPriceUsd) / 1_000_000;
}

/** The job's actual cost: the sum over its requests, or undefined while any billed request's cost is unknown. */
export function actualCostOf(costs: readonly FalRequestCost[]): number | undefined {
  if (costs.length === 0) return undefined;
  let micros = 0;
  for (const cost of costs) {
    if (!cost.billed) continue;
    if (cost.costUsd === undefined) return undefined;
    micros += toMicros(cost.costUsd);
  }
  return micros / 1_000_000;
}

/**
 * What the video is estimated to cost: its own requests, and for a parallel sequence's video its
 * scenes' too (their jobs hold those reservations; the video settles the sequence as a whole).
 */
export function wholeEstimateUsd(job: Pick<Job, 'estimatedCostUsd' | 'scenesEstimateUsd'>): number {
  return (toMicros(job.estimatedCostUsd) + toMicros(job.scenesEstimateUsd ?? 0)) / 1_000_000;
}

/**
 * What the video cost, as the API shows it: nothing until it ends; fal's actual cost once measured;
 * the estimate where fal reported no units (fal billed a video, but did not say how much); zero when
 * fal never produced a video (it bills only successful outputs).
 */
export function costOf(job: Job): { costUsd: number | null; basis: CostBasis | null } {
  if (job.state !== 'completed' && job.state !== 'failed') return { costUsd: null, basis: null };
  if (job.generatedAt === undefined)
    // a failed sequence's video made nothing itself, but fal billed the scenes it had made
    return job.scenesBilledUsd
      ? { costUsd: job.scenesBilledUsd, basis: 'estimate' }
      : { costUsd: 0, basis: 'not_billed' };
  if (job.actualCostUsd !== undefined) return { costUsd: job.actualCostUsd, basis: 'actual' };
  return { costUsd: wholeEstimateUsd(job), basis: 'estimate' };
}

/**
 * What the step from `before` to `after` changes in the job's budget day once fal's actual cost is
 * known: actual less estimated (negative hands spend back, positive adds what fal billed beyond it).
 * A parallel sequence's video settles its scenes with it: its actual cost includes their requests.
 */
export function costSettlementUsd(before: Job, after: Job): number {
  if (
    before.actualCostUsd !== undefined ||
    after.actualCostUsd === undefined ||
    before.budgetDay === undefined
  )
    return 0;
  return (toMicros(after.actualCostUsd) - toMicros(wholeEstimateUsd(before))) / 1_000_000;
}
