import { createPublicKey, type KeyObject } from 'node:crypto';

/** fal's JWKS could not be fetched and no key set young enough to stand in for it is held. */
export class JwksUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'JwksUnavailableError';
  }
}

export interface JwksCacheOptions {
  url: string;
  fetch?: typeof fetch;
  /** How long a fetched key set is used before it is fetched again (fal allows at most 24 h). */
  ttlMs?: number;
  /**
   * How long after its fetch the last good key set keeps serving while the JWKS cannot be fetched
   * (an outage at fal, or on the way to it). Past it, verification fails with JwksUnavailableError.
   */
  maxAgeMs?: number;
  /** Least time between two fetches when the last one failed or a key was not found (rotation). */
  retryMs?: number;
  now?: () => number;
  /** Told each time a failed fetch is covered by the last good key set. */
  onStale?: (info: { ageMs: number; error: string }) => void;
}

export const JWKS_DEFAULTS = { ttlMs: 3_600_000, maxAgeMs: 86_400_000, retryMs: 60_000 } as const;

async function fetchKeySet(url: string, fetchImpl: typeof fetch): Promise<KeyObject[]> {
  const response = await fetchImpl(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`JWKS ${url} answered ${response.status}`);
  const body = (await response.json()) as { keys?: Array<Record<string, unknown>> };
  const keys = (body.keys ?? [])
    .filter((jwk) => jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string')
    .map((jwk) =>
      createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x as string }, format: 'jwk' }),
    );
  // an empty set verifies nothing: treat it like an outage rather than replace good keys with it
  if (keys.length === 0) throw new Error(`JWKS ${url} holds no Ed25519 key`);
  return keys;
}

/**
 * fal's webhook keys, fetched at most once per lifetime. When a refetch fails, the last good set
 * keeps serving until `maxAgeMs` after it was fetched (stale-if-error), and the fetch is retried at
 * most once per `retryMs`, so an outage of fal's JWKS neither fails every webhook nor makes each one
 * wait on a dead host.
 */
export function createJwksCache(options: JwksCacheOptions) {
  const fetchImpl = options.fetch ?? fetch;
  const ttl = Math.min(options.ttlMs ?? JWKS_DEFAULTS.ttlMs, 86_400_000);
  const maxAge = Math.max(options.maxAgeMs ?? JWKS_DEFAULTS.maxAgeMs, ttl);
  const retry = options.retryMs ?? JWKS_DEFAULTS.retryMs;
  const now = options.now ?? Date.now;
  let cache: { keys: KeyObject[]; fetchedAt: number } | undefined;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let inflight: Promise<KeyObject[]> | undefined;

  async function refresh(): Promise<KeyObject[]> {
    lastAttempt = now();
    try {
      const keys = await fetchKeySet(options.url, fetchImpl);
      cache = { keys, fetchedAt: now() };
      return keys;
    } catch (error) {
      const ageMs = cache ? now() - cache.fetchedAt : Number.POSITIVE_INFINITY;
      if (cache && ageMs < maxAge) {
        options.onStale?.({ ageMs, error: String(error) });
        return cache.keys;
      }
      throw new JwksUnavailableError(`fal's JWKS (${options.url}) cannot be fetched: ${String(error)}`, {
        cause: error,
      });
    }
  }

  /** The keys to verify with; `forceRefresh` asks for a refetch (a signature no held key accepts). */
  return function keys(forceRefresh = false): Promise<KeyObject[]> {
    if (cache) {
      const age = now() - cache.fetchedAt;
      const mayFetch = now() - lastAttempt >= retry;
      if (age < ttl && !(forceRefresh && mayFetch)) return Promise.resolve(cache.keys);
      if (age >= ttl && !mayFetch && age < maxAge) return Promise.resolve(cache.keys);
    }
    inflight ??= refresh().finally(() => {
      inflight = undefined;
    });
    return inflight;
  };
}

export type JwksCache = ReturnType<typeof createJwksCache>;
