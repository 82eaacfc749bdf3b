import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../../../functions/core/accounts/issue-key.ts';
import { createKeyResolver } from '../../../functions/core/accounts/key-resolver.ts';
import { hashApiKey } from '../../../functions/core/domain/api-key.ts';
import { logger } from '../../../functions/core/logger.ts';
import { createDynamoApiKeyStore } from '../../../functions/core/store/dynamodb/api-key-store.ts';
import { type AccountsDb, startAccountsDb } from '../../support/accounts-db.ts';

describe('API keys in the accounts table', () => {
  let db: AccountsDb;
  beforeAll(async () => {
    db = await startAccountsDb();
  });
  afterAll(() => db.close());

  it('issues a prefixed 256-bit key and stores only its hash and public record', async () => {
    const store = createDynamoApiKeyStore(db.client, db.table);
    const { key, record } = await issueApiKey(store, { tenant: 'acme', name: 'ci', now: 5 });
    expect(key).toMatch(/^rly_[A-Za-z0-9_-]{43}$/);
    expect(record).toEqual({
      keyId: expect.stringMatching(/^key_[0-9a-f]{16}$/),
      tenant: 'acme',
      name: 'ci',
      hint: `${key.slice(0, 8)}…${key.slice(-4)}`,
      createdAt: 5,
    });
    expect(await store.findByHash(hashApiKey(key))).toEqual(record);
    const second = await issueApiKey(store, { tenant: 'acme', now: 6 });
    expect(second.key).not.toBe(key);
    expect((await store.list('acme')).map((r) => r.keyId)).toEqual([record.keyId, second.record.keyId]);
    expect(await store.list('nobody')).toEqual([]);
  });

  it('refuses a tenant id that could not be a path segment', async () => {
    const store = createDynamoApiKeyStore(db.client, db.table);
    await expect(issueApiKey(store, { tenant: 'Acme/../x', now: 1 })).rejects.toThrow(/tenant ids/);
  });

  it('revocation is idempotent and keeps the first revocation time', async () => {
    const store = createDynamoApiKeyStore(db.client, db.table);
    const { record } = await issueApiKey(store, { tenant: 'revoker', now: 1 });
    expect((await store.revoke(record.keyId, 10))?.revokedAt).toBe(10);
    expect((await store.revoke(record.keyId, 20))?.revokedAt).toBe(10);
    expect(await store.revoke('key_0000000000000000', 30)).toBeUndefined();
  });

  it('last-used is written at most once per interval', async () => {
    const store = createDynamoApiKeyStore(db.client, db.table);
    const { key } = await issueApiKey(store, { tenant: 'toucher', now: 0 });
    const hash = hashApiKey(key);
    await store.touch(hash, 1_000, 60_000);
    await store.touch(hash, 30_000, 60_000);
    expect((await store.findByHash(hash))?.lastUsedAt).toBe(1_000);
    await store.touch(hash, 61_000, 60_000);
    expect((await store.findByHash(hash))?.lastUsedAt).toBe(61_000);
    // touching an unknown hash creates nothing
    await store.touch(hashApiKey('rly_unknown'), 1, 60_000);
    expect(await store.findByHash(hashApiKey('rly_unknown'))).toBeUndefined();
  });

  it('the resolver caches lookups, so a revocation takes effect when the cache entry expires', async () => {
    const store = createDynamoApiKeyStore(db.client, db.table);
    let clock = 100_000;
    let reads = 0;
    const counting = {
      ...store,
      findByHash: (hash: string) => {
        reads++;
        return store.findByHash(hash);
      },
    };
    const resolve = createKeyResolver({
      bootstrap: async () => [{ tenant: 'ops', key: 'bootstrap-key-0123456789' }],
      store: counting,
      cacheMs: 30_000,
      now: () => clock,
      logger,
    });
    const { key, record } = await issueApiKey(store, { tenant: 'cached', now: clock });
    // many requests at once with a key not yet cached: one read answers them all
    const callers = await Promise.all(Array.from({ length: 32 }, () => resolve(key)));
    expect(callers).toEqual(Array(32).fill({ tenant: 'cached', keyId: record.keyId }));
    expect(await resolve(key)).toEqual({ tenant: 'cached', keyId: record.keyId });
    expect(reads).toBe(1);
    await store.revoke(record.keyId, clock);
    clock += 29_999;
    expect(await resolve(key)).toEqual({ tenant: 'cached', keyId: record.keyId });
    clock += 1;
    expect(await resolve(key)).toBeUndefined();
    expect(reads).toBe(2);
    // bootstrap keys never touch the table
    expect(await resolve('bootstrap-key-0123456789')).toMatchObject({ tenant: 'ops', keyId: /^env_/ });
    expect(reads).toBe(2);
    expect(await resolve('rly_not_a_key')).toBeUndefined();
    // only the issued shape is looked up: other tokens cost no read
    expect(await resolve(`rly_${'x'.repeat(43)}`)).toBeUndefined();
    expect(reads).toBe(3);
    expect(await resolve('x'.repeat(47))).toBeUndefined();
    expect(await resolve(`${key}x`)).toBeUndefined();
    expect(reads).toBe(3);
  });
});
