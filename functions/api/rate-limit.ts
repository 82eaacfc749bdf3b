import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../core/deps.ts';
import {
  RATE_WINDOW_MS,
  type RateLimitState,
  rateLimitHeaders,
  tightest,
  windowStart,
} from '../core/domain/rate-limit.ts';
import { effectiveLimits } from '../core/domain/tenant.ts';
import { ApiError } from '../core/errors.ts';
import type { AuthEnv } from './auth.ts';

/**
 * Requests per minute per key, and creates (POST /v1/videos) per minute per tenant, counted in the
 * accounts table so the limits hold across function instances. Every answer carries RateLimit-*
 * headers of the tightest limit; a refused request is a 429 with Retry-After.
 */
export function rateLimit(
  deps: Pick<Deps, 'config' | 'tenants' | 'rateLimits' | 'now'>,
): MiddlewareHandler<AuthEnv> {
  return async function rateLimit(c, next) {
    const tenant = c.get('tenant');
    const limits = effectiveLimits(deps.config.tenantDefaults, await deps.tenants.get(tenant));
    const now = deps.now();
    const start = windowStart(now);
    const resetAt = start + RATE_WINDOW_MS;
    const count = async (scope: string, limit: number): Promise<RateLimitState> => {
      const used = await deps.rateLimits.hit(scope, start, RATE_WINDOW_MS, limit);
      return { limit, used: used ?? limit, allowed: used !== undefined, resetAt };
    };
    const states = [await count(`key:${c.get('keyId')}`, limits.requestsPerMinute)];
    const isCreate = c.req.method === 'POST' && c.req.path.replace(/\/+$/, '') === '/v1/videos';
    if (states[0]?.allowed && isCreate) states.push(await count(`create:${tenant}`, limits.createsPerMinute));
    const shown = tightest(states);
    if (!shown) return next();
    const headers = rateLimitHeaders(shown, now);
    if (!shown.allowed) {
      const what =
        states.length > 1 && states[1] === shown
          ? 'video creates per minute for your account'
          : 'requests per minute for this API key';
      throw new ApiError(
        429,
        'rate_limit_exceeded',
        `Rate limit of ${shown.limit} ${what} reached; retry after ${headers['Retry-After']} s.`,
        { headers },
      );
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
