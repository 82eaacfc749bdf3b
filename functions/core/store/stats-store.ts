import type { Counters } from '../domain/stats-counters.ts';
import type { DayCounters } from '../domain/stats-summary.ts';

/** The scope holding every tenant's counters together (`*` is never a tenant id). */
export const ALL_TENANTS = '*';

/** Statistics counters per scope (a tenant, or all tenants) and UTC day; adding is atomic. */
export interface StatsStore {
  /** Adds to the tenant's counters of `day` and to the all-tenants ones. */
  add(tenant: string, day: string, counters: Counters): Promise<void>;
  /** The counters of each of `days` that has any (at most 366 days: one small read per 100). */
  read(scope: string, days: readonly string[]): Promise<DayCounters[]>;
}
