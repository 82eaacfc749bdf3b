import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effectiveLimits } from '../../../functions/core/domain/tenant.ts';
import {
  cachedTenantStore,
  createDynamoTenantStore,
} from '../../../functions/core/store/dynamodb/tenant-store.ts';
import { type AccountsDb, startAccountsDb } from '../../support/accounts-db.ts';
import { TENANT_DEFAULTS } from '../../support/tenant-defaults.ts';

describe('DynamoDB tenant store', () => {
  let db: AccountsDb;
  beforeAll(async () => {
    db = await startAccountsDb();
  });
  afterAll(() => db.close());

  it('answers undefined for an unknown tenant, whose limits are the TENANT_DEFAULTS', async () => {
    const store = createDynamoTenantStore(db.client, db.table);
    const tenant = await store.get('nobody');
    expect(tenant).toBeUndefined();
    expect(effectiveLimits(TENANT_DEFAULTS, tenant)).toEqual(TENANT_DEFAULTS);
  });

  it('creates a tenant on its first setLimits and merges later overrides', async () => {
    let clock = 1_000;
    const store = createDynamoTenantStore(db.client, db.table, () => clock);
    const first = await store.setLimits('acme', { requestsPerMinute: 120 });
    expect(first).toEqual({
      id: 'acme',
      limits: { requestsPerMinute: 120 },
      createdAt: 1_000,
      updatedAt: 1_000,
    });
    clock = 2_000;
    const second = await store.setLimits('acme', { dailyBudgetUsd: 12.5, mayDisableSafetyChecker: true });
    expect(second).toEqual({
      id: 'acme',
      limits: { requestsPerMinute: 120, dailyBudgetUsd: 12.5, mayDisableSafetyChecker: true },
      createdAt: 1_000,
      updatedAt: 2_000,
    });
    expect(await store.get('acme')).toEqual(second);
    expect(effectiveLimits(TENANT_DEFAULTS, second)).toEqual({
      ...TENANT_DEFAULTS,
      requestsPerMinute: 120,
      dailyBudgetUsd: 12.5,
      mayDisableSafetyChecker: true,
    });
  });

  it('the cached store serves a read for its TTL, then reads again', async () => {
    let clock = 0;
    const raw = createDynamoTenantStore(db.client, db.table);
    const cached = cachedTenantStore(raw, 30_000, () => clock);
    await raw.setLimits('globex', { createsPerMinute: 3 });
    expect((await cached.get('globex'))?.limits.createsPerMinute).toBe(3);
    await raw.setLimits('globex', { createsPerMinute: 4 });
    clock = 29_999;
    expect((await cached.get('globex'))?.limits.createsPerMinute).toBe(3);
    clock = 30_000;
    expect((await cached.get('globex'))?.limits.createsPerMinute).toBe(4);
  });

  it('an expired entry asked for by many requests at once is read once', async () => {
    const raw = createDynamoTenantStore(db.client, db.table);
    let reads = 0;
    const counting = {
      ...raw,
      get: (tenant: string) => {
        reads++;
        return raw.get(tenant);
      },
    };
    let clock = 0;
    const cached = cachedTenantStore(counting, 30_000, () => clock);
    await raw.setLimits('initech', { createsPerMinute: 7 });
    const first = await Promise.all(Array.from({ length: 32 }, () => cached.get('initech')));
    expect(first.map((t) => t?.limits.createsPerMinute)).toEqual(Array(32).fill(7));
    expect(reads).toBe(1);
    clock = 30_000;
    await Promise.all(Array.from({ length: 32 }, () => cached.get('initech')));
    expect(reads).toBe(2);
  });
});
