import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Deps } from '../core/deps.ts';
import {
  RATE_WINDOW_MS,
  type RateLimitState,
  rateLimitHeaders,
  tightest,
  windowStart,
} from '../core/domain/rate-limit.ts';
import { effectiveLimits } from '../core/domain/tenant.ts';
import { ReelayError } from '../core/errors.ts';
import { ApiError } from '../core/http/api-error.ts';
import type { AuthEnv } from './auth.ts';

/** Refusals of a create's input, all made before anything is reserved, uploaded, moderated or sent to fal. */
const INVALID_INPUT = new Set([
  'invalid_request',
  'invalid_json',
  'invalid_multipart',
  'request_too_large',
  'unsupported_media_type',
]);

/** Whether the answer refused the request's input as it was sent (400, 413, 415), before any spend. */
function refusedAsInvalid(c: Context): boolean {
  const error = c.error;
  if (error instanceof ApiError || error instanceof ReelayError) return INVALID_INPUT.has(error.code);
  // the error handler answers Hono's own 4xx (an unreadable body) as invalid_request
  return error instanceof HTTPException && error.status < 500;
}

/**
 * Requests per minute per key, and creates (POST /v1/videos, its edits and remixes) per minute per tenant, counted in the
 * accounts table so the limits hold across function instances. Every answer carries RateLimit-*
 * headers of the tightest limit; a refused request is a 429 with Retry-After.
 *
 * What counts (docs/limits.md): a request refused by either limit counts against neither, and a
 * create refused as invalid input before any spend gives its create back (it still counts as a
 * request of its key, which bounds how many a client can send).
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
    const keyScope = `key:${c.get('keyId')}`;
    const createScope = `create:${tenant}`;
    const states = [await count(keyScope, limits.requestsPerMinute)];
    // an edit or a remix makes a new video too
    const isCreate =
      c.req.method === 'POST' &&
      /^\/v1\/videos(\/edits|\/[^/]+\/remix)?$/.test(c.req.path.replace(/\/+$/, ''));
    if (states[0]?.allowed && isCreate) states.push(await count(createScope, limits.createsPerMinute));
    const shown = tightest(states);
    if (!shown) return next();
    if (!shown.allowed) {
      const createRefused = states.length > 1 && states[1] === shown;
      // refused by the tenant's create limit: the key's request quota is not spent on it
      if (createRefused) {
        await deps.rateLimits.release(keyScope, start);
        if (states[0]) states[0].used--;
      }
      const headers = rateLimitHeaders(shown, now);
      const what = createRefused
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
    const create = states[1];
    if (create && refusedAsInvalid(c)) {
      await deps.rateLimits.release(createScope, start);
      create.used--;
    }
    const headers = rateLimitHeaders(tightest(states) ?? shown, now);
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
