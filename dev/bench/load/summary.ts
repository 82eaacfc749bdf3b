import { percentile, round } from '../stats.ts';
import type { LoadResult } from './protocol.ts';

export interface LoadSummary {
  requests: number;
  ok: number;
  failed: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Throughput counts only 2xx answers: a server that answers errors fast is not fast. */
export function summarize(result: LoadResult): LoadSummary {
  const ok = Object.entries(result.statuses)
    .filter(([status]) => status.startsWith('2'))
    .reduce((sum, [, count]) => sum + count, 0);
  return {
    requests: result.sent,
    ok,
    failed: result.sent - ok,
    perSecond: round(ok / (result.elapsedMs / 1000), 0),
    p50Ms: round(percentile(result.latenciesMs, 50), 2),
    p99Ms: round(percentile(result.latenciesMs, 99), 2),
  };
}
