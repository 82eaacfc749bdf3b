import { FEEDBACK_CRITERIA, type FeedbackCriterion } from './feedback.ts';
import { bucketUpperMs, type Counters, NO_STYLE, type Phase } from './stats-counters.ts';

export const GROUP_BY = ['model', 'style', 'day'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** One day's counters of one scope (a tenant, or all tenants). */
export interface DayCounters {
  day: string;
  counters: Counters;
}

interface Percentiles {
  p50: number | null;
  p90: number | null;
}

export interface StatsSummary {
  jobs: number;
  completed: number;
  failed: number;
  /** completed / (completed + failed); null before any job ended. */
  success_rate: number | null;
  failures_by_code: Record<string, number>;
  /** Seconds from create to `completed`, and its phases; each the upper bound of a 10 %-wide bucket. */
  time_to_completed_seconds: Percentiles & Record<Exclude<Phase, 'total'>, Percentiles>;
  ratings: { count: number } & Record<'rating' | FeedbackCriterion, number | null>;
  spend: {
    /** Estimated cost of the jobs fal produced a video for (what fal bills). */
    estimated_usd: number;
    /** Actual cost of the jobs whose cost fal reported. */
    actual_usd: number;
    jobs_with_actual_cost: number;
    /** The estimates of those same jobs: actual_usd against this shows how honest the catalog is. */
    estimated_usd_of_jobs_with_actual_cost: number;
  };
}

/** A counter name split into its cell and metric. */
function parse(name: string): { model: string; style: string; metric: string } | undefined {
  const [model, style, ...metric] = name.split('|');
  if (!model || !style || metric.length === 0) return undefined;
  return { model, style, metric: metric.join('|') };
}

class Accumulator {
  readonly metrics = new Map<string, number>();
  add(metric: string, value: number) {
    this.metrics.set(metric, (this.metrics.get(metric) ?? 0) + value);
  }
  get(metric: string) {
    return this.metrics.get(metric) ?? 0;
  }
}

function percentiles(acc: Accumulator, phase: Phase): Percentiles {
  const buckets = [...acc.metrics]
    .filter(([metric]) => metric.startsWith(`h.${phase}.`))
    .map(([metric, count]) => [Number(metric.slice(`h.${phase}.`.length)), count] as const)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => a - b);
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  const at = (q: number) => {
    let seen = 0;
    for (const [bucket, count] of buckets) {
      seen += count;
      if (seen >= Math.ceil(q * total)) return Math.round(bucketUpperMs(bucket) / 10) / 100;
    }
    return null;
  };
  return total === 0 ? { p50: null, p90: null } : { p50: at(0.5), p90: at(0.9) };
}

const usd = (micros: number) => Math.round(micros) / 1_000_000;
const mean = (acc: Accumulator, name: string) => {
  const n = acc.get(`r.${name}.n`);
  return n > 0 ? Math.round((acc.get(`r.${name}.sum`) / n) * 100) / 100 : null;
};

function summarizeOne(acc: Accumulator): StatsSummary {
  const completed = acc.get('completed');
  const failed = acc.get('failed');
  const failures: Record<string, number> = {};
  for (const [metric, count] of acc.metrics)
    if (metric.startsWith('failed.') && count > 0) failures[metric.slice('failed.'.length)] = count;
  const ratings = { count: acc.get('r.rating.n'), rating: mean(acc, 'rating') } as StatsSummary['ratings'];
  for (const criterion of FEEDBACK_CRITERIA) ratings[criterion] = mean(acc, criterion);
  return {
    jobs: acc.get('jobs'),
    completed,
    failed,
    success_rate:
      completed + failed > 0 ? Math.round((completed / (completed + failed)) * 10_000) / 10_000 : null,
    failures_by_code: failures,
    time_to_completed_seconds: {
      ...percentiles(acc, 'total'),
      queue: percentiles(acc, 'queue'),
      generation: percentiles(acc, 'generation'),
      archive: percentiles(acc, 'archive'),
    },
    ratings,
    spend: {
      estimated_usd: usd(acc.get('est_micros')),
      actual_usd: usd(acc.get('cost_micros')),
      jobs_with_actual_cost: acc.get('costed'),
      estimated_usd_of_jobs_with_actual_cost: usd(acc.get('costed_est_micros')),
    },
  };
}

export interface StatsQuery {
  model?: string;
  groupBy?: GroupBy;
}

export interface Ranked {
  key: string;
  mean_rating: number;
  ratings: number;
}

export interface StatsReport {
  total: StatsSummary;
  groups?: Array<{ key: string } & StatsSummary>;
  /** Models and styles by mean rating, best first (only those rated). */
  best: { models: Ranked[]; styles: Ranked[] };
}

function rank(groups: Map<string, Accumulator>): Ranked[] {
  return [...groups]
    .map(([key, acc]) => ({ key, mean_rating: mean(acc, 'rating'), ratings: acc.get('r.rating.n') }))
    .filter((entry): entry is Ranked => entry.mean_rating !== null)
    .sort((a, b) => b.mean_rating - a.mean_rating || b.ratings - a.ratings || a.key.localeCompare(b.key));
}

/** Folds days of counters into the report: totals, the groups asked for, and the best models and styles. */
export function summarize(days: readonly DayCounters[], query: StatsQuery = {}): StatsReport {
  const total = new Accumulator();
  const groups = new Map<string, Accumulator>();
  const byModel = new Map<string, Accumulator>();
  const byStyle = new Map<string, Accumulator>();
  const into = (map: Map<string, Accumulator>, key: string) => {
    const acc = map.get(key) ?? new Accumulator();
    map.set(key, acc);
    return acc;
  };
  for (const { day, counters } of days) {
    for (const [name, value] of Object.entries(counters)) {
      const cell = parse(name);
      if (!cell || typeof value !== 'number') continue;
      if (query.model !== undefined && cell.model !== query.model) continue;
      const style = cell.style === NO_STYLE ? 'none' : cell.style;
      total.add(cell.metric, value);
      into(byModel, cell.model).add(cell.metric, value);
      into(byStyle, style).add(cell.metric, value);
      if (query.groupBy === 'day') into(groups, day).add(cell.metric, value);
    }
  }
  const grouped =
    query.groupBy === 'model'
      ? byModel
      : query.groupBy === 'style'
        ? byStyle
        : query.groupBy
          ? groups
          : undefined;
  return {
    total: summarizeOne(total),
    ...(grouped && {
      groups: [...grouped]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, acc]) => ({ key, ...summarizeOne(acc) })),
    }),
    best: { models: rank(byModel), styles: rank(byStyle) },
  };
}
