import { describe, expect, it } from 'vitest';
import type { Job } from '../../../functions/core/domain/job.ts';
import {
  budgetExceededMessage,
  fitsBudget,
  nextUtcMidnight,
  poolShardCount,
  queuePosition,
  releasesOf,
  secondsUntilReset,
  shardCap,
  shardOrder,
  toMicros,
  utcDay,
  waitingOrder,
} from '../../../functions/core/domain/limits.ts';
import { DEFAULT_POLICY as policy } from '../../../functions/core/domain/policy.ts';
import {
  admitWaiting,
  claimForSubmit,
  createJob,
  InvalidTransitionError,
  markCompleted,
  markDeleted,
  markFailed,
  markGenerated,
  markSubmitted,
  requeueGeneration,
} from '../../../functions/core/domain/transitions.ts';
import { newJob, T0 } from '../../support/jobs.ts';

const video = { url: 'https://v3b.fal.media/files/x/output.mp4' };
const archive = { key: 'videos/acme/x.mp4', bytes: 10, contentType: 'video/mp4', sha256: 'ab' };
const admitted = (admission: 'active' | 'waiting'): Job => {
  const { id, tenant, spec, falEndpoint, falInput, estimatedCostUsd, typicalGenerationMs, webhookToken } =
    newJob();
  return createJob(
    { id, tenant, spec, falEndpoint, falInput, estimatedCostUsd, typicalGenerationMs, webhookToken },
    T0,
    policy,
    { admission, budgetDay: utcDay(T0) },
  );
};
const failure = { code: 'provider_error', message: 'x' };

describe('budget windows (UTC days)', () => {
  it('names the UTC day and finds its end, whatever the hour', () => {
    expect(utcDay(Date.UTC(2026, 10, 21, 0, 0, 0))).toBe('2026-11-21');
    expect(utcDay(Date.UTC(2026, 10, 21, 23, 59, 59, 999))).toBe('2026-11-21');
    expect(nextUtcMidnight(Date.UTC(2026, 10, 21, 23, 59, 59, 999))).toBe(Date.UTC(2026, 10, 22));
    // midnight itself starts the new window
    expect(nextUtcMidnight(Date.UTC(2026, 10, 22))).toBe(Date.UTC(2026, 10, 23));
    expect(nextUtcMidnight(Date.UTC(2026, 11, 31, 12))).toBe(Date.UTC(2027, 0, 1));
  });

  it('Retry-After is whole seconds to the reset, never 0', () => {
    expect(secondsUntilReset(Date.UTC(2026, 10, 21, 23, 0, 0))).toBe(3_600);
    expect(secondsUntilReset(Date.UTC(2026, 10, 21, 23, 59, 59, 500))).toBe(1);
    expect(secondsUntilReset(Date.UTC(2026, 10, 21, 23, 59, 59, 999))).toBe(1);
  });

  it('money is exact in micro-dollars: reaching the budget fits, a micro-dollar past it does not', () => {
    expect(toMicros(0.2074)).toBe(207_400);
    expect(toMicros(0.1 + 0.2)).toBe(300_000);
    expect(fitsBudget(toMicros(0.4148), 0.2074, 0.6222)).toBe(true);
    expect(fitsBudget(toMicros(0.4148) + 1, 0.2074, 0.6222)).toBe(false);
    expect(fitsBudget(0, 0.5, 0)).toBe(false);
  });

  it('says whose budget, how much and when it resets', () => {
    const message = budgetExceededMessage('tenant', 5, 0.2074, Date.UTC(2026, 10, 21, 15, 30));
    expect(message).toContain('$5.00');
    expect(message).toContain('$0.2074');
    expect(message).toContain('2026-11-22T00:00:00Z');
    expect(budgetExceededMessage('overall', 100, 1, T0)).toContain("service's overall daily budget");
  });
});

describe('queue positions', () => {
  it('orders by ticket, ties by id; 1 is next; absent is null', () => {
    const waiting = { video_c: 30, video_b: 10, video_a: 10, video_d: 40 };
    expect(waitingOrder(waiting)).toEqual(['video_a', 'video_b', 'video_c', 'video_d']);
    expect(queuePosition(waiting, 'video_a')).toBe(1);
    expect(queuePosition(waiting, 'video_d')).toBe(4);
    expect(queuePosition(waiting, 'video_x')).toBeNull();
    expect(queuePosition({}, 'video_a')).toBeNull();
  });
});

describe('admission in the state machine', () => {
  it('an admitted job holds its slot and the first submit attempt; a waiting one holds neither and is due at once', () => {
    expect(admitted('active')).toMatchObject({ slotHeldAt: T0, submitAttempts: 1, budgetDay: '2026-11-21' });
    const waiting = admitted('waiting');
    expect(waiting).toMatchObject({ state: 'queued', waitingSince: T0, submitAttempts: 0, dueAt: T0 });
    expect(waiting.slotHeldAt).toBeUndefined();
  });

  it('a waiting job is admitted once, with a submit lease; it cannot be claimed while it waits', () => {
    const waiting = admitted('waiting');
    expect(() => claimForSubmit(waiting, T0, policy)).toThrow(InvalidTransitionError);
    const job = admitWaiting(waiting, T0 + 5, policy);
    expect(job).toMatchObject({ slotHeldAt: T0 + 5, submitAttempts: 1, version: 2 });
    expect(job.waitingSince).toBeUndefined();
    expect(() => admitWaiting(job, T0 + 6, policy)).toThrow(InvalidTransitionError);
  });
});

describe('what a step gives back', () => {
  const active = admitted('active');
  const submitted = markSubmitted(active, 'r1', T0, policy);

  it('fal produced the video: the slot frees, the spend stays (fal bills it)', () => {
    expect(releasesOf(submitted, markGenerated(submitted, { requestId: 'r1', video }, T0, policy))).toEqual({
      slot: true,
      freed: true,
      refundUsd: 0,
    });
  });

  it('failed before a video: the slot frees and the reservation is refunded', () => {
    expect(releasesOf(submitted, markFailed(submitted, failure, T0))).toEqual({
      slot: true,
      freed: true,
      refundUsd: active.estimatedCostUsd,
    });
    expect(releasesOf(active, markFailed(active, failure, T0)).refundUsd).toBe(active.estimatedCostUsd);
  });

  it('failed after the video was produced (archive failed): billed, so no refund, and no slot to give', () => {
    const generated = markGenerated(submitted, { requestId: 'r1', video }, T0, policy);
    expect(releasesOf(generated, markFailed(generated, failure, T0))).toEqual({
      slot: false,
      freed: false,
      refundUsd: 0,
    });
    expect(releasesOf(generated, markCompleted(generated, archive, T0))).toEqual({
      slot: false,
      freed: false,
      refundUsd: 0,
    });
  });

  it('a retried generation keeps its slot and its reservation', () => {
    expect(releasesOf(submitted, requeueGeneration(submitted, 'r1', 'x', T0, policy))).toEqual({
      slot: false,
      freed: false,
      refundUsd: 0,
    });
  });

  it('deleting a waiting job gives back its place (no slot frees) and its reservation', () => {
    const waiting = admitted('waiting');
    expect(releasesOf(waiting, markDeleted(waiting, T0))).toEqual({
      slot: true,
      freed: false,
      refundUsd: waiting.estimatedCostUsd,
    });
  });

  it('a job made before budgets existed has nothing to refund', () => {
    const legacy = newJob();
    expect(releasesOf(legacy, markFailed(legacy, failure, T0))).toEqual({
      slot: false,
      freed: false,
      refundUsd: 0,
    });
  });
});

describe('the deployment pool over shards', () => {
  it('splits a cap into parts that sum to it exactly, the first ones one larger', () => {
    for (const [max, shards] of [
      [2000, 40],
      [7, 3],
      [2, 4],
      [1, 1],
    ] as const) {
      const parts = Array.from({ length: shards }, (_, shard) => shardCap(max, shards, shard));
      expect(parts.reduce((a, b) => a + b, 0)).toBe(max);
      expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
    }
    expect([0, 1, 2].map((shard) => shardCap(7, 3, shard))).toEqual([3, 2, 2]);
  });

  it('tries every shard once, from one the id picks, and the same order for the same id', () => {
    const order = shardOrder('video_abc', 5);
    expect([...order].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(order.slice(1)).toEqual([1, 2, 3, 4].map((step) => ((order[0] as number) + step) % 5));
    expect(shardOrder('video_abc', 5)).toEqual(order);
    // ids spread over the shards
    const starts = new Set(Array.from({ length: 200 }, (_, i) => shardOrder(`video_${i}`, 8)[0]));
    expect(starts.size).toBe(8);
  });

  it('sizes shards to hold at most 50 each', () => {
    expect(poolShardCount(1)).toBe(1);
    expect(poolShardCount(50)).toBe(1);
    expect(poolShardCount(51)).toBe(2);
    expect(poolShardCount(2000)).toBe(40);
  });
});
