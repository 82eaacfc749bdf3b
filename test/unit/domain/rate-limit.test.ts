import { describe, expect, it } from 'vitest';
import {
  type RateLimitState,
  rateLimitHeaders,
  secondsToReset,
  tightest,
  windowStart,
} from '../../../functions/core/domain/rate-limit.ts';

const state = (limit: number, used: number, allowed = true): RateLimitState => ({
  limit,
  used,
  allowed,
  resetAt: 120_000,
});

describe('fixed-window rate limits', () => {
  it('windows start on whole minutes', () => {
    expect(windowStart(0)).toBe(0);
    expect(windowStart(59_999)).toBe(0);
    expect(windowStart(60_000)).toBe(60_000);
    expect(windowStart(119_999)).toBe(60_000);
  });

  it('reset is whole seconds to the window’s end, at least 1', () => {
    expect(secondsToReset(state(1, 1), 60_000)).toBe(60);
    expect(secondsToReset(state(1, 1), 119_001)).toBe(1);
    expect(secondsToReset(state(1, 1), 119_999)).toBe(1);
    expect(secondsToReset(state(1, 1), 120_000)).toBe(1);
  });

  it('shows a refused limit first, else the one with the least left', () => {
    expect(tightest([state(60, 10), state(10, 9)])).toEqual(state(10, 9));
    expect(tightest([state(60, 59), state(10, 1)])).toEqual(state(60, 59));
    expect(tightest([state(60, 1), state(10, 10, false)])).toEqual(state(10, 10, false));
    expect(tightest([])).toBeUndefined();
  });

  it('headers: Remaining never below 0; Retry-After only when refused', () => {
    expect(rateLimitHeaders(state(60, 1), 90_000)).toEqual({
      'RateLimit-Limit': '60',
      'RateLimit-Remaining': '59',
      'RateLimit-Reset': '30',
    });
    expect(rateLimitHeaders(state(3, 3, false), 90_500)).toEqual({
      'RateLimit-Limit': '3',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': '30',
      'Retry-After': '30',
    });
  });
});
