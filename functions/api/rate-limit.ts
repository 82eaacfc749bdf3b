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
import { createMemoryRateLimitStore } from '../core/store/memory/rate-limit-store.ts';
import type { RateLimitStore } from '../core/store/rate-limit-store.ts';
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

/** Methods that change nothing: counted only in the instance's memory, so a poll writes nothing. */
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The routes that make a new video. */
const CREATE_PATH = /^\/v1\/(videos(\/edits|\/extensions|\/[^/]+\/remix)?|sequences)$/;

/**
 * Requests per minute per key, and creates (POST /v1/videos, its edits, remixes, extensions and sequences) per minute per tenant. Every answer
 * carries RateLimit-* headers of the tightest limit; a refused request is a 429 with Retry-After.
 *
 * Where they are counted (docs/limits.md, "What a poll costs"): every request of a key counts in
 * this warm instance's memory first; a write other than a create is then counted in the accounts
 * table too, and a create in the tenant's create count there, so writes and creates hold across
 * instances, while a read (a poll) costs no write.
 *
 * What counts (docs/limits.md): a request refused by either limit counts against neither, and a
 * create refused as invalid input before any spend gives its create back (it still counts as a
 * request of its key, which bounds how many a client can send).
 */
export function rateLimit(
  deps: Pick<Deps, 'config' | 'tenants' | 'rateLimits' | 'now'>,
): MiddlewareHandler<AuthEnv> {
  // one per app, so one per warm Lambda instance (and per local stack)
  const local = createMemoryRateLimitStore();
  return async function rateLimit(c, next) {
    const tenant = c.get('tenant');
    const limits = effectiveLimits(deps.config.tenantDefaults, await deps.tenants.get(tenant));
    const now = deps.now();
    const start = windowStart(now);
    const resetAt = start + RATE_WINDOW_MS;
    const count = async (store: RateLimitStore, scope: string, limit: number): Promise<RateLimitState> => {
      const used = await store.hit(scope, start, RATE_WINDOW_MS, limit);
      return { limit, used: used ?? limit, allowed: used !== undefined, resetAt };
    };
    const keyScope = `key:${c.get('keyId')}`;
    const createScope = `create:${tenant}`;
    const isRead = READS.has(c.req.method);
    // an edit, a remix, an extension or a sequence makes a new video too
    const isCreate = c.req.method === 'POST' && CREATE_PATH.test(c.req.path.replace(/\/+$/, ''));
    // the key's count in this instance; for a write, then the shared one. A create is counted across
    // instances by the tenant's create count instead: a second shared count would be one more write per create
    const states = [await count(local, keyScope, limits.requestsPerMinute)];
    const shared = !isRead && !isCreate && states[0]?.allowed;
    if (shared) {
      const global = await count(deps.rateLimits, keyScope, limits.requestsPerMinute);
      states.push(global);
      if (!global.allowed) await local.release(keyScope, start);
    }
    const keyAllowed = states.every((state) => state.allowed);
    if (keyAllowed && isCreate)
      states.push(await count(deps.rateLimits, createScope, limits.createsPerMinute));
    const shown = tightest(states);
    if (!shown) return next();
    if (!shown.allowed) {
      const createRefused = isCreate && keyAllowed;
      // refused by the tenant's create limit: the key's request quota is not spent on it
      if (createRefused) {
        await local.release(keyScope, start);
        for (const state of states.slice(0, -1)) state.used--;
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
    const create = isCreate ? states.at(-1) : undefined;
    if (create && refusedAsInvalid(c)) {
      await deps.rateLimits.release(createScope, start);
      create.used--;
    }
    const headers = rateLimitHeaders(tightest(states) ?? shown, now);
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
