import type { RateLimitStore } from '../rate-limit-store.ts';

/**
 * Fixed-window counters held in this process: one warm function instance's own count. Only the
 * current window is kept (a newer window drops the older one's counts), so memory is bounded by the
 * scopes seen in one window. Answers without I/O, which is the point: a poll costs no write.
 */
export function createMemoryRateLimitStore(): RateLimitStore {
  let current = Number.NEGATIVE_INFINITY;
  let counts = new Map<string, number>();
  const windowOf = (windowStart: number) => {
    if (windowStart > current) {
      current = windowStart;
      counts = new Map();
    }
    // a request stamped with an older window (a clock step back) counts in the current one
    return counts;
  };
  return {
    async hit(scope, windowStart, _windowMs, limit) {
      const window = windowOf(windowStart);
      const used = window.get(scope) ?? 0;
      if (used >= limit) return undefined;
      window.set(scope, used + 1);
      return used + 1;
    },
    async release(scope, windowStart) {
      const window = windowOf(windowStart);
      const used = window.get(scope) ?? 0;
      if (used > 0) window.set(scope, used - 1);
    },
  };
}
