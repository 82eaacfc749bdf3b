import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../functions/core/config.ts';

describe('config: concurrency and budgets', () => {
  it('defaults: 5 active and 100 waiting per tenant, $50 a day each, 50 active overall, no overall budget', () => {
    const config = loadConfig({});
    expect(config.tenantDefaults).toMatchObject({ maxActiveJobs: 5, maxQueuedJobs: 100, dailyBudgetUsd: 50 });
    expect(config.globalLimits).toEqual({ maxActiveJobs: 50, dailyBudgetUsd: null, poolShards: 1 });
    expect(config.usageTable).toBe('reelay-usage');
  });

  it('reads the overall cap and budget', () => {
    const config = loadConfig({ REELAY_MAX_ACTIVE_JOBS: '8', REELAY_DAILY_BUDGET_USD: '12.5' });
    expect(config.globalLimits).toEqual({ maxActiveJobs: 8, dailyBudgetUsd: 12.5, poolShards: 1 });
  });

  it('splits the overall pool into one shard per 50 slots unless told otherwise', () => {
    expect(loadConfig({ REELAY_MAX_ACTIVE_JOBS: '2000' }).globalLimits.poolShards).toBe(40);
    expect(loadConfig({ REELAY_MAX_ACTIVE_JOBS: '51' }).globalLimits.poolShards).toBe(2);
    expect(
      loadConfig({ REELAY_MAX_ACTIVE_JOBS: '2000', REELAY_POOL_SHARDS: '7' }).globalLimits.poolShards,
    ).toBe(7);
    expect(() => loadConfig({ REELAY_POOL_SHARDS: '0' })).toThrow(/REELAY_POOL_SHARDS/);
  });

  it('refuses caps a single usage item could not hold, and nonsense', () => {
    expect(() => loadConfig({ REELAY_DEFAULT_MAX_QUEUED_JOBS: '5001' })).toThrow(ConfigError);
    expect(() => loadConfig({ REELAY_MAX_ACTIVE_JOBS: '2001' })).toThrow(ConfigError);
    expect(() => loadConfig({ REELAY_MAX_ACTIVE_JOBS: '0' })).toThrow(/REELAY_MAX_ACTIVE_JOBS/);
    expect(() => loadConfig({ REELAY_DAILY_BUDGET_USD: '-1' })).toThrow(/REELAY_DAILY_BUDGET_USD/);
  });
});
