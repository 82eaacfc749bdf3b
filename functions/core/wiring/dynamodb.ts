import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Config } from '../config.ts';
import type { Deps } from '../deps.ts';
import { createDynamoApiKeyStore } from '../store/dynamodb/api-key-store.ts';
import { createDynamoJobStore } from '../store/dynamodb/job-store.ts';
import { createDynamoRateLimitStore } from '../store/dynamodb/rate-limit-store.ts';
import { createDynamoStatsStore } from '../store/dynamodb/stats-store.ts';
import { cachedTenantStore, createDynamoTenantStore } from '../store/dynamodb/tenant-store.ts';
import { createDynamoUsageStore } from '../store/dynamodb/usage-store.ts';
import { dynamoClient } from './aws-clients.ts';

/**
 * The jobs table (jobs, and the statistics counted as they end) and the usage table (slots, queues,
 * spend): what every job-moving function needs.
 */
export function jobStores(
  config: Config,
  client: DynamoDBClient = dynamoClient(config),
): Pick<Deps, 'jobs' | 'usage' | 'stats'> {
  return {
    jobs: createDynamoJobStore(client, config.jobsTable),
    usage: createDynamoUsageStore(client, config.usageTable, { shards: config.globalLimits.poolShards }),
    stats: createDynamoStatsStore(client, config.jobsTable),
  };
}

/** The accounts table: tenants (cached), API keys and rate-limit counters. */
export function accountStores(
  config: Config,
  now: () => number,
  client: DynamoDBClient = dynamoClient(config),
): Pick<Deps, 'tenants' | 'keys' | 'rateLimits'> {
  return {
    ...keyStore(config, client),
    rateLimits: createDynamoRateLimitStore(client, config.accountsTable),
    ...tenantStore(config, now, client),
  };
}

/** API keys alone, for the event stream's sign-in. */
export function keyStore(config: Config, client: DynamoDBClient = dynamoClient(config)): Pick<Deps, 'keys'> {
  return { keys: createDynamoApiKeyStore(client, config.accountsTable) };
}

/** Tenants alone (cached), for the functions that read their limits but no keys. */
export function tenantStore(
  config: Config,
  now: () => number,
  client: DynamoDBClient = dynamoClient(config),
): Pick<Deps, 'tenants'> {
  return {
    tenants: cachedTenantStore(
      createDynamoTenantStore(client, config.accountsTable, now),
      config.accountsCacheMs,
      now,
    ),
  };
}
