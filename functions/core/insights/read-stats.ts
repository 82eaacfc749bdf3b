import type { Deps } from '../deps.ts';
import { statsDays } from '../domain/stats-range.ts';
import type { StatsQuery, StatsReport } from '../domain/stats-summary.ts';
import { summarize } from '../domain/stats-summary.ts';

export interface StatsRequest extends StatsQuery {
  since?: string;
  until?: string;
}

export type Stats = StatsReport & { since: string; until: string };

/**
 * A scope's statistics (a tenant, or ALL_TENANTS for the admin CLI) over whole UTC days of job
 * creation: one read per 100 days of pre-added counters, never a scan of jobs.
 */
export async function readStats(
  deps: Pick<Deps, 'stats' | 'now'>,
  scope: string,
  request: StatsRequest,
): Promise<Stats> {
  const days = statsDays(deps.now(), request.since, request.until);
  const counters = await deps.stats.read(scope, days);
  return {
    since: days[0] as string,
    until: days.at(-1) as string,
    ...summarize(counters, { model: request.model, groupBy: request.groupBy }),
  };
}
