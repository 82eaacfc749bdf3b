import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effectiveLimits, type TenantLimits } from '../../../functions/core/domain/tenant.ts';
import {
  cachedTenantStore,
  createDynamoTenantStore,
} from '../../../functions/core/store/dynamodb/tenant-store.ts';
import { type AccountsDb, startAccountsDb } from '../../support/accounts-db.ts';

const defaults: TenantLimits = {
  requestsPerMinute: 60,
  createsPerMinute: 10,
  maxActiveJobs: 5,
  maxQueuedJobs: 50,
  dailyBudgetUsd: 50,
  mayDisableSafetyChecker: false,
  strictPromptEnhancement: false,
};

describe('DynamoDB tenant store', () => {
  let db: AccountsDb;
  beforeAll(async () => {
    db = await startAccountsDb();
  });
  afterAll(() => db.close());

  it('answers undefined for an unknown tenant, whose limits are the defaults', async () => {
    const store = createDynamoTenantStore(db.client, db.table);
    const tenant = await store.get('nobody');
    expect(tenant).toBeUndefined();
    expect(effectiveLimits(defaults, tenant)).toEqual(defaults);
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
    expect(effectiveLimits(defaults, second)).toEqual({
      ...defaults,
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
});
