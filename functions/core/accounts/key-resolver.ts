import type { ApiKey } from '../config.ts';
import { hashApiKey, ISSUED_KEY_PATTERN } from '../domain/api-key.ts';
import type { Logger } from '../logger.ts';
import type { ApiKeyStore } from '../store/api-key-store.ts';

/** Who is calling: the tenant whose data the request may touch, and the key (rate limits are per key). */
export interface Caller {
  tenant: string;
  keyId: string;
}

export type KeyResolver = (key: string) => Promise<Caller | undefined>;

export interface KeyResolverOptions {
  /** The operator's bootstrap keys (REELAY_API_KEYS and its secret); never revocable through the store. */
  bootstrap: () => Promise<ApiKey[]>;
  store: ApiKeyStore;
  /** How long a lookup (found, revoked or absent) is reused: revocation takes effect within it. */
  cacheMs: number;
  now: () => number;
  logger: Logger;
  /** A key's last-used time is written at most this often (per process, and conditionally in the table). */
  touchIntervalMs?: number;
  /** Bounds the cache, so a flood of random keys cannot grow it without end. */
  maxEntries?: number;
}

/** Resolves a bearer key to its caller: bootstrap keys first, then the accounts table through a short cache. */
export function createKeyResolver(options: KeyResolverOptions): KeyResolver {
  const { store, cacheMs, now, logger } = options;
  const touchIntervalMs = options.touchIntervalMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const cache = new Map<string, { caller: Caller | undefined; until: number }>();
  const touched = new Map<string, number>();
  let bootstrap: { signature: string; byHash: Map<string, Caller> } | undefined;

  const bootstrapCallers = async () => {
    const keys = await options.bootstrap();
    // the list is rebuilt on every call when a secret adds keys: hash only when its content changed
    const signature = keys.map(({ tenant, key }) => `${tenant}\n${key}`).join('\n\n');
    if (bootstrap?.signature !== signature) {
      const byHash = new Map<string, Caller>();
      for (const { tenant, key } of keys) {
        const hash = hashApiKey(key);
        byHash.set(hash, { tenant, keyId: `env_${hash.slice(0, 16)}` });
      }
      bootstrap = { signature, byHash };
    }
    return bootstrap.byHash;
  };

  const touch = (hash: string, at: number) => {
    const last = touched.get(hash);
    if (last !== undefined && at - last < touchIntervalMs) return;
    touched.set(hash, at);
    if (touched.size > maxEntries) touched.clear();
    // off the request's path: a lost last-used write costs nothing but a stale timestamp
    store.touch(hash, at, touchIntervalMs).catch((error: unknown) => {
      logger.warn('could not record an API key use', { error: String(error) });
    });
  };

  // concurrent misses of one key share one read: when its entry expires under load, one read refreshes it
  const reading = new Map<string, Promise<Caller | undefined>>();
  const lookUp = (hash: string, at: number): Promise<Caller | undefined> => {
    let read = reading.get(hash);
    if (!read) {
      read = store
        .findByHash(hash)
        .then((record) => {
          const caller =
            record && record.revokedAt === undefined
              ? { tenant: record.tenant, keyId: record.keyId }
              : undefined;
          if (cache.size >= maxEntries) cache.clear();
          cache.set(hash, { caller, until: at + cacheMs });
          return caller;
        })
        .finally(() => reading.delete(hash));
      reading.set(hash, read);
    }
    return read;
  };

  return async function resolveKey(key) {
    const hash = hashApiKey(key);
    const fromEnv = (await bootstrapCallers()).get(hash);
    if (fromEnv) return fromEnv;
    // a token that cannot be an issued key costs no table read (and no cache entry)
    if (!ISSUED_KEY_PATTERN.test(key)) return undefined;
    const at = now();
    const hit = cache.get(hash);
    const caller = hit && hit.until > at ? hit.caller : await lookUp(hash, at);
    if (caller) touch(hash, at);
    return caller;
  };
}
