/**
 * Fixed-window rate limits, pure: which window a moment falls in and what the client is told. The
 * counters live in the accounts table (functions/core/store/rate-limit-store.ts), one item per scope
 * and window, so every function instance counts against the same number.
 */
export const RATE_WINDOW_MS = 60_000;

export const windowStart = (now: number, windowMs = RATE_WINDOW_MS): number =>
  Math.floor(now / windowMs) * windowMs;

/** One limit's state after a request was counted (or refused). */
export interface RateLimitState {
  limit: number;
  /** Requests counted in this window, the current one included when it was allowed. */
  used: number;
  allowed: boolean;
  /** When the window ends (epoch ms). */
  resetAt: number;
}

/** Whole seconds until the window ends, at least 1 (RateLimit-Reset and Retry-After). */
export const secondsToReset = (state: RateLimitState, now: number): number =>
  Math.max(1, Math.ceil((state.resetAt - now) / 1000));

/** The state the client is told about: a refused one first, else the one with the least left. */
export function tightest(states: RateLimitState[]): RateLimitState | undefined {
  const refused = states.find((state) => !state.allowed);
  if (refused) return refused;
  return [...states].sort((a, b) => a.limit - a.used - (b.limit - b.used))[0];
}

/** The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers), plus Retry-After when refused. */
export function rateLimitHeaders(state: RateLimitState, now: number): Record<string, string> {
  const reset = String(secondsToReset(state, now));
  return {
    'RateLimit-Limit': String(state.limit),
    'RateLimit-Remaining': String(Math.max(0, state.limit - state.used)),
    'RateLimit-Reset': reset,
    ...(state.allowed ? {} : { 'Retry-After': reset }),
  };
}
