import { invalidRequest } from '../errors.ts';
import { utcDay } from './limits.ts';

const DAY_MS = 86_400_000;
export const MAX_STATS_DAYS = 366;
const DEFAULT_DAYS = 30;

/** `YYYY-MM-DD` or Unix seconds → the UTC day holding it; a 400 naming `param` otherwise. */
export function parseDay(value: string, param: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const ms = Date.parse(`${value}T00:00:00Z`);
    if (Number.isFinite(ms) && utcDay(ms) === value) return value;
  } else if (/^\d{1,11}$/.test(value)) {
    const ms = Number(value) * 1000;
    if (ms <= 8_640_000_000_000_000) return utcDay(ms);
  }
  throw invalidRequest(`${param} is a day (YYYY-MM-DD) or Unix seconds, not ${value.slice(0, 40)}.`, param);
}

/**
 * The UTC days a statistics query covers, oldest first: `since` to `until` inclusive (default the
 * last 30 days to today), at most 366, so a query reads a bounded number of items whatever the volume.
 */
export function statsDays(now: number, since?: string, until?: string): string[] {
  const last = until === undefined ? utcDay(now) : parseDay(until, 'until');
  const lastMs = Date.parse(`${last}T00:00:00Z`);
  const first = since === undefined ? utcDay(lastMs - (DEFAULT_DAYS - 1) * DAY_MS) : parseDay(since, 'since');
  const firstMs = Date.parse(`${first}T00:00:00Z`);
  if (firstMs > lastMs) throw invalidRequest('since must not be after until.', 'since');
  const count = Math.round((lastMs - firstMs) / DAY_MS) + 1;
  if (count > MAX_STATS_DAYS) throw invalidRequest(`A query covers at most ${MAX_STATS_DAYS} days.`, 'since');
  return Array.from({ length: count }, (_, i) => utcDay(firstMs + i * DAY_MS));
}
