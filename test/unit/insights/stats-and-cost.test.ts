import { describe, expect, it } from 'vitest';
import { actualCostOf, costOf, costSettlementUsd } from '../../../functions/core/domain/cost.ts';
import type { Feedback } from '../../../functions/core/domain/feedback.ts';
import type { Job } from '../../../functions/core/domain/job.ts';
import { DEFAULT_POLICY as policy } from '../../../functions/core/domain/policy.ts';
import {
  bucketUpperMs,
  histogramBucket,
  jobEndCounters,
  ratingCounters,
} from '../../../functions/core/domain/stats-counters.ts';
import { statsDays } from '../../../functions/core/domain/stats-range.ts';
import { summarize } from '../../../functions/core/domain/stats-summary.ts';
import {
  markCompleted,
  markFailed,
  markGenerated,
  markSubmitted,
} from '../../../functions/core/domain/transitions.ts';
import { newJob, T0 } from '../../support/jobs.ts';

const video = { url: 'https://v3b.fal.media/files/x/output.mp4' };
const archive = { key: 'videos/acme/x.mp4', bytes: 10, contentType: 'video/mp4', sha256: 'ab' };

function completed(after: { queue: number; generation: number; archive: number }, cost?: number): Job {
  const base = newJob();
  const job = {
    ...base,
    spec: { ...base.spec, creative: { originalPrompt: base.spec.prompt, style: 'anime' } },
  };
  const submitted = markSubmitted(job, 'r1', T0 + after.queue, policy);
  const generated = markGenerated(
    submitted,
    { requestId: 'r1', video },
    T0 + after.queue + after.generation,
    policy,
  );
  return markCompleted(
    generated,
    archive,
    T0 + after.queue + after.generation + after.archive,
    cost === undefined ? undefined : { actualCostUsd: cost, falCosts: [] },
  );
}

describe('histograms', () => {
  it('every duration lies within its bucket, buckets 10 % wide', () => {
    for (const ms of [1, 100, 101, 999, 1_000, 61_234, 3_600_000]) {
      const bucket = histogramBucket(ms);
      expect(bucketUpperMs(bucket)).toBeGreaterThanOrEqual(ms - 1e-6);
      if (bucket > 0) expect(bucketUpperMs(bucket - 1)).toBeLessThan(ms);
    }
  });
});

describe('statistics counters and their summary', () => {
  const a = completed({ queue: 1_000, generation: 60_000, archive: 2_000 }, 0.2);
  const b = completed({ queue: 3_000, generation: 90_000, archive: 4_000 });
  const c = markFailed(newJob(), { code: 'content_policy_violation', message: 'no' }, T0 + 10);
  const day = (jobs: Job[]) => {
    const counters: Record<string, number> = {};
    for (const job of jobs)
      for (const [name, value] of Object.entries(jobEndCounters(job)))
        counters[name] = (counters[name] ?? 0) + value;
    return { day: '2026-11-21', counters };
  };

  it('counts outcomes, times and spend exactly', () => {
    const { total } = summarize([day([a, b, c])]);
    expect(total).toMatchObject({
      jobs: 3,
      completed: 2,
      failed: 1,
      success_rate: 0.6667,
      failures_by_code: { content_policy_violation: 1 },
      spend: {
        estimated_usd: a.estimatedCostUsd + b.estimatedCostUsd,
        actual_usd: 0.2,
        jobs_with_actual_cost: 1,
        estimated_usd_of_jobs_with_actual_cost: a.estimatedCostUsd,
      },
    });
    expect(total.time_to_completed_seconds.generation.p50).toBeGreaterThanOrEqual(60);
    expect(total.time_to_completed_seconds.generation.p50).toBeLessThan(66);
    expect(total.time_to_completed_seconds.generation.p90).toBeGreaterThanOrEqual(90);
    expect(total.time_to_completed_seconds.generation.p90).toBeLessThan(99);
  });

  it('groups by model and style, and filters by model', () => {
    const report = summarize([day([a, b, c])], { groupBy: 'style' });
    expect(report.groups?.map((g) => [g.key, g.jobs])).toEqual([
      ['anime', 2],
      ['none', 1],
    ]);
    expect(summarize([day([a, b, c])], { model: 'sora-2' }).total.jobs).toBe(0);
  });

  it('ratings add as differences, so an update replaces the old one', () => {
    const first: Feedback = {
      jobId: a.id,
      tenant: 'acme',
      keyId: 'k',
      rating: 5,
      scores: { visual_quality: 4 },
      createdAt: T0,
      updatedAt: T0,
      version: 1,
    };
    const second: Feedback = { ...first, rating: 2, scores: { narrative: 3 }, version: 2 };
    const counters: Record<string, number> = {};
    for (const step of [ratingCounters(a, undefined, first), ratingCounters(a, first, second)])
      for (const [name, value] of Object.entries(step)) counters[name] = (counters[name] ?? 0) + value;
    const { ratings } = summarize([{ day: '2026-11-21', counters }]).total;
    expect(ratings).toEqual({
      count: 1,
      rating: 2,
      visual_quality: null,
      prompt_adherence: null,
      consistency: null,
      narrative: 3,
    });
  });

  it('covers whole UTC days, at most 366', () => {
    expect(statsDays(T0)).toHaveLength(30);
    expect(statsDays(T0, '2026-11-20', '2026-11-21')).toEqual(['2026-11-20', '2026-11-21']);
    expect(statsDays(T0, String(T0 / 1000))).toEqual(['2026-11-21']);
    expect(() => statsDays(T0, '2025-01-01')).toThrow(/366/);
    expect(() => statsDays(T0, '2026-02-29')).toThrow(/since/);
  });
});

describe('cost', () => {
  it('is unknown until the job ends, then actual, the estimate, or nothing for no video', () => {
    expect(costOf(newJob())).toEqual({ costUsd: null, basis: null });
    const done = completed({ queue: 1, generation: 1, archive: 1 }, 0.2);
    expect(costOf(done)).toEqual({ costUsd: 0.2, basis: 'actual' });
    const estimated = completed({ queue: 1, generation: 1, archive: 1 });
    expect(costOf(estimated)).toEqual({ costUsd: estimated.estimatedCostUsd, basis: 'estimate' });
    expect(costOf(markFailed(newJob(), { code: 'x', message: 'y' }, T0))).toEqual({
      costUsd: 0,
      basis: 'not_billed',
    });
  });

  it('sums billed requests, and is unknown while any billed request is', () => {
    const base = { endpoint: 'e', requestId: 'r' };
    expect(
      actualCostOf([
        { ...base, billed: false, units: 0, costUsd: 0 },
        { ...base, billed: true, costUsd: 0.1 },
      ]),
    ).toBe(0.1);
    expect(
      actualCostOf([
        { ...base, billed: true, costUsd: 0.1 },
        { ...base, billed: true },
      ]),
    ).toBeUndefined();
    expect(actualCostOf([])).toBeUndefined();
  });

  it('settles a budget day on the difference, once', () => {
    const generated = {
      ...completed({ queue: 1, generation: 1, archive: 1 }),
      state: 'generated' as const,
      budgetDay: '2026-11-21',
    };
    delete generated.actualCostUsd;
    const done = {
      ...generated,
      state: 'completed' as const,
      actualCostUsd: generated.estimatedCostUsd - 0.05,
    };
    expect(costSettlementUsd(generated, done)).toBeCloseTo(-0.05, 6);
    expect(costSettlementUsd(done, { ...done, version: done.version + 1 })).toBe(0);
    expect(costSettlementUsd({ ...generated, budgetDay: undefined }, done)).toBe(0);
  });
});
