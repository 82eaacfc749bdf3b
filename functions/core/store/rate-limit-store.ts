/** Shared fixed-window counters: every process that counts a scope counts the same number. */
export interface RateLimitStore {
  /**
   * Counts one request in `scope`'s window starting at `windowStart` if fewer than `limit` were
   * counted; answers the count after it, or `undefined` when the window was already full.
   */
  hit(scope: string, windowStart: number, windowMs: number, limit: number): Promise<number | undefined>;
  /** Takes back one hit counted in `scope`'s window (never below zero): a request that should not have counted. */
  release(scope: string, windowStart: number): Promise<void>;
}
