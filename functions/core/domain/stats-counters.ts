import { wholeEstimateUsd } from './cost.ts';
import { FEEDBACK_CRITERIA, type Feedback } from './feedback.ts';
import type { Job } from './job.ts';
import { toMicros } from './limits.ts';

/**
 * Statistics are kept as counters, added to as jobs end and as feedback comes (never recomputed from
 * jobs): one item per tenant and UTC day of creation, one counter per (model, style) cell and metric,
 * named `<model>|<style or ->|<metric>`. Durations go into logarithmic histograms (10 % wide buckets),
 * so p50/p90 come from counters too.
 */
export type Counters = Record<string, number>;

export const NO_STYLE = '-';
const HISTOGRAM_BASE_MS = 100;
const HISTOGRAM_GROWTH = 1.1;

export const PHASES = ['total', 'queue', 'generation', 'archive'] as const;
export type Phase = (typeof PHASES)[number];

/** The bucket a duration falls in: 0 up to 100 ms, then each 10 % wider than the one before. */
export function histogramBucket(ms: number): number {
  if (ms <= HISTOGRAM_BASE_MS) return 0;
  return Math.ceil(Math.log(ms / HISTOGRAM_BASE_MS) / Math.log(HISTOGRAM_GROWTH) - 1e-9);
}

/** The upper bound of a bucket, in ms: what a percentile reports. */
export function bucketUpperMs(bucket: number): number {
  return HISTOGRAM_BASE_MS * HISTOGRAM_GROWTH ** bucket;
}

export const cellOf = (job: Pick<Job, 'spec'>) => `${job.spec.model}|${job.spec.creative?.style ?? NO_STYLE}`;

/** Phases of a completed job: waiting (for a slot and for fal's queue), generating, archiving. */
export function phaseDurations(job: Job): Partial<Record<Phase, number>> {
  const { createdAt, submittedAt, generatedAt, completedAt } = job;
  if (job.state !== 'completed' || completedAt === undefined) return {};
  return {
    total: completedAt - createdAt,
    ...(submittedAt !== undefined && { queue: submittedAt - createdAt }),
    ...(submittedAt !== undefined && generatedAt !== undefined && { generation: generatedAt - submittedAt }),
    ...(generatedAt !== undefined && { archive: completedAt - generatedAt }),
  };
}

/**
 * What one job adds when it ends: counted, completed or failed by code, its phase times, and its
 * estimated spend once fal produced a video (what fal bills), with the actual cost where known.
 */
export function jobEndCounters(job: Job): Counters {
  const cell = cellOf(job);
  const counters: Counters = { [`${cell}|jobs`]: 1 };
  if (job.state === 'completed') counters[`${cell}|completed`] = 1;
  if (job.state === 'failed') {
    counters[`${cell}|failed`] = 1;
    counters[`${cell}|failed.${job.error?.code ?? 'unknown'}`] = 1;
  }
  for (const [phase, ms] of Object.entries(phaseDurations(job)))
    counters[`${cell}|h.${phase}.${histogramBucket(Math.max(0, ms))}`] = 1;
  if (job.generatedAt === undefined && job.scenesBilledUsd) {
    // a failed sequence: what fal billed for the scenes it made before it failed
    counters[`${cell}|billed`] = 1;
    counters[`${cell}|est_micros`] = toMicros(job.scenesBilledUsd);
  }
  if (job.generatedAt !== undefined) {
    counters[`${cell}|billed`] = 1;
    counters[`${cell}|est_micros`] = toMicros(wholeEstimateUsd(job));
    if (job.actualCostUsd !== undefined) {
      counters[`${cell}|costed`] = 1;
      counters[`${cell}|costed_est_micros`] = toMicros(wholeEstimateUsd(job));
      counters[`${cell}|cost_micros`] = toMicros(job.actualCostUsd);
    }
  }
  return counters;
}

/** What replacing `before` (if any) with `after` adds to the ratings of the video's cell: the difference. */
export function ratingCounters(
  job: Pick<Job, 'spec'>,
  before: Feedback | undefined,
  after: Feedback,
): Counters {
  const cell = cellOf(job);
  const counters: Counters = {};
  const add = (name: string, value: number) => {
    if (value !== 0) counters[`${cell}|${name}`] = (counters[`${cell}|${name}`] ?? 0) + value;
  };
  add('r.rating.sum', after.rating - (before?.rating ?? 0));
  add('r.rating.n', before ? 0 : 1);
  for (const criterion of FEEDBACK_CRITERIA) {
    const was = before?.scores[criterion];
    const is = after.scores[criterion];
    add(`r.${criterion}.sum`, (is ?? 0) - (was ?? 0));
    add(`r.${criterion}.n`, (is === undefined ? 0 : 1) - (was === undefined ? 0 : 1));
  }
  return counters;
}
