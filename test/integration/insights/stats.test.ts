import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../../dev/admin/cli.ts';
import type { Job } from '../../../functions/core/domain/job.ts';
import { toMicros } from '../../../functions/core/domain/limits.ts';
import { bucketUpperMs, histogramBucket } from '../../../functions/core/domain/stats-counters.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';
import { waitUntil } from '../../support/wait-until.ts';

const OTHER_KEY = 'rly_other_tenant_key_000000';

/** p50/p90 as the API reports them: the upper bound of the nearest-rank value's 10 % bucket, in seconds. */
function expectedPercentiles(ms: number[]) {
  const buckets = ms.map(histogramBucket).sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(bucketUpperMs(buckets[Math.ceil(q * buckets.length) - 1] as number) / 10) / 100;
  return { p50: at(0.5), p90: at(0.9) };
}

describe('statistics', () => {
  let stack: TestStack;
  const jobs: Record<string, Job> = {};
  const estimates: Record<string, number> = {};

  const make = async (name: string, body: Record<string, unknown>, key?: string) => {
    const response = await stack.api('/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...(key && { key }),
    });
    expect(response.status).toBe(200);
    const video = await response.json();
    estimates[name] = video.estimated_cost_usd;
    jobs[name] = await stack.settle(video.id);
  };
  const rate = (name: string, body: Record<string, unknown>) =>
    stack.api(`/v1/videos/${jobs[name]?.id}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const stats = async (query = '', key?: string) => {
    const response = await stack.api(`/v1/stats${query}`, key ? { key } : {});
    expect(response.status).toBe(200);
    return response.json();
  };

  beforeAll(async () => {
    stack = await startTestStack();
    await make('a', { prompt: 'a dog in a park', style: 'anime', seconds: '4' });
    await make('b', { prompt: 'a cat on a wall', style: 'anime', seconds: '4' });
    await make('c', { prompt: 'a horse', seconds: '4' });
    await make('d', { prompt: 'a boat', model: 'sora-2', seconds: '4', size: '1280x720' });
    await make('e', { prompt: 'a fox [fal:content_policy_violation]', model: 'sora-2', seconds: '4' });
    await make('f', { prompt: 'a kite [fal:content_policy_violation]', style: 'cinematic', seconds: '4' });
    await make('other', { prompt: 'a goat', seconds: '4' }, OTHER_KEY);
    // a job is counted by the write that ends it, which the archiver makes just before the test sees it
    const today = new Date().toISOString().slice(0, 10);
    const counted = async () => {
      const [day] = await stack.deps.stats.read('*', [today]);
      return Object.entries(day?.counters ?? {})
        .filter(([name]) => name.endsWith('|jobs'))
        .reduce((sum, [, value]) => sum + value, 0);
    };
    await waitUntil(counted, (n) => n === 7);
    expect((await rate('a', { rating: 5, visual_quality: 4 })).status).toBe(200);
    expect((await rate('b', { rating: 3 })).status).toBe(200);
    expect((await rate('d', { rating: 4, narrative: 2 })).status).toBe(200);
  }, 60_000);
  afterAll(() => stack.close());

  it('match a known set of jobs exactly', async () => {
    expect(Object.values(jobs).map((job) => job.state)).toEqual([
      'completed',
      'completed',
      'completed',
      'completed',
      'failed',
      'failed',
      'completed',
    ]);
    const report = await stats();
    const completed = ['a', 'b', 'c', 'd'].map((name) => jobs[name] as Job);
    const micros = ['a', 'b', 'c', 'd'].reduce((sum, name) => sum + toMicros(estimates[name] as number), 0);
    expect(report).toMatchObject({ object: 'stats', model: null, group_by: null });
    expect(report.total).toEqual({
      jobs: 6,
      completed: 4,
      failed: 2,
      success_rate: 0.6667,
      failures_by_code: { content_policy_violation: 2 },
      time_to_completed_seconds: {
        ...expectedPercentiles(completed.map((job) => (job.completedAt as number) - job.createdAt)),
        queue: expectedPercentiles(completed.map((job) => (job.submittedAt as number) - job.createdAt)),
        generation: expectedPercentiles(
          completed.map((job) => (job.generatedAt as number) - (job.submittedAt as number)),
        ),
        archive: expectedPercentiles(
          completed.map((job) => (job.completedAt as number) - (job.generatedAt as number)),
        ),
      },
      ratings: {
        count: 3,
        rating: 4,
        visual_quality: 4,
        prompt_adherence: null,
        consistency: null,
        narrative: 2,
      },
      spend: {
        estimated_usd: micros / 1_000_000,
        actual_usd: 0,
        jobs_with_actual_cost: 0,
        estimated_usd_of_jobs_with_actual_cost: 0,
      },
    });
    expect(report.groups).toBeUndefined();
    expect(report.best).toEqual({
      models: [
        { key: 'seedance-1.5-pro', mean_rating: 4, ratings: 2 },
        { key: 'sora-2', mean_rating: 4, ratings: 1 },
      ],
      styles: [
        { key: 'anime', mean_rating: 4, ratings: 2 },
        { key: 'none', mean_rating: 4, ratings: 1 },
      ],
    });
  });

  it('group by model, style and day, and filter by model', async () => {
    const byModel = await stats('?group_by=model');
    expect(
      byModel.groups.map((g: { key: string; jobs: number; completed: number; failed: number }) => [
        g.key,
        g.jobs,
        g.completed,
        g.failed,
      ]),
    ).toEqual([
      ['seedance-1.5-pro', 4, 3, 1],
      ['sora-2', 2, 1, 1],
    ]);
    const byStyle = await stats('?group_by=style');
    expect(byStyle.groups.map((g: { key: string; jobs: number }) => [g.key, g.jobs])).toEqual([
      ['anime', 2],
      ['cinematic', 1],
      ['none', 3],
    ]);
    const today = new Date().toISOString().slice(0, 10);
    const byDay = await stats(`?group_by=day&since=${today}&until=${today}`);
    expect(byDay).toMatchObject({ since: today, until: today });
    expect(byDay.groups.map((g: { key: string; jobs: number }) => [g.key, g.jobs])).toEqual([[today, 6]]);
    const sora = await stats('?model=sora-2');
    expect(sora.total).toMatchObject({ jobs: 2, completed: 1, failed: 1, ratings: { count: 1, rating: 4 } });
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    expect((await stats(`?until=${yesterday}`)).total.jobs).toBe(0);
  });

  it('an updated rating replaces the old one in the means', async () => {
    expect((await rate('a', { rating: 1 })).status).toBe(200);
    const { total } = await stats();
    expect(total.ratings).toMatchObject({ count: 3, rating: 2.67, visual_quality: null, narrative: 2 });
    expect((await rate('a', { rating: 5, visual_quality: 4 })).status).toBe(200);
    expect((await stats()).total.ratings).toMatchObject({ count: 3, rating: 4, visual_quality: 4 });
  });

  it('each tenant sees its own; the admin CLI sees one tenant or all together', async () => {
    const theirs = await stats('', OTHER_KEY);
    expect(theirs.total).toMatchObject({
      jobs: 1,
      completed: 1,
      failed: 0,
      ratings: { count: 0, rating: null },
    });
    const lines: string[] = [];
    const context = {
      keys: stack.deps.keys,
      tenants: stack.deps.tenants,
      stats: stack.deps.stats,
      defaults: stack.deps.config.tenantDefaults,
      now: Date.now,
      print: (line: string) => lines.push(line),
    };
    await runAdmin(['stats'], context);
    const all = JSON.parse(lines.join('\n'));
    expect(all).toMatchObject({ tenant: 'all', total: { jobs: 7, completed: 5, failed: 2 } });
    lines.length = 0;
    await runAdmin(['stats', '--tenant', 'other', '--group-by', 'model'], context);
    expect(JSON.parse(lines.join('\n'))).toMatchObject({ tenant: 'other', total: { jobs: 1 } });
    await expect(runAdmin(['stats', '--since', 'soon'], context)).rejects.toThrow(/since/);
  });

  it('refuses bad queries with a 400 naming the parameter', async () => {
    for (const [query, param] of [
      ['?since=2026-02-30', 'since'],
      ['?since=yesterday', 'since'],
      ['?until=2026-01-01&since=2026-02-01', 'since'],
      ['?since=2020-01-01&until=2026-01-01', 'since'],
      ['?group_by=week', 'group_by'],
      ['?tenant=other', 'tenant'],
      [`?model=${'m'.repeat(65)}`, 'model'],
    ] as const) {
      const response = await stack.api(`/v1/stats${query}`);
      expect(response.status, query).toBe(400);
      expect((await response.json()).error.param, query).toBe(param);
    }
    expect((await stack.api('/v1/stats', { key: null })).status).toBe(401);
  });
});
