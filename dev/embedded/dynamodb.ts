import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { ACCOUNTS_TABLE } from '../../functions/core/store/dynamodb/accounts-table.ts';
import { CONNECTIONS_TABLE } from '../../functions/core/store/dynamodb/connections-table.ts';
import { JOBS_TABLE } from '../../functions/core/store/dynamodb/jobs-table.ts';
import { USAGE_TABLE } from '../../functions/core/store/dynamodb/usage-table.ts';
import { WEBHOOKS_TABLE } from '../../functions/core/store/dynamodb/webhooks-table.ts';

export interface EmbeddedDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/** dynalite: real DynamoDB protocol, in memory or on disk (LevelDB) when `path` is given. */
export async function startDynamo(options: {
  path?: string;
  port?: number;
  host?: string;
}): Promise<EmbeddedDynamo> {
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface Index {
  indexName: string;
  partitionKey: string;
  sortKey: string;
}

/** What CreateTable needs of a table's shape constant: its key, its indexes and their key types. */
interface TableShape {
  partitionKey: string;
  indexes: readonly Index[];
  /** Key attributes that are numbers; every other key attribute is a string. */
  numberKeys?: readonly string[];
}

/** Creates a table as the CDK stack declares it (on-demand, every index projecting all), if it is not there yet. */
async function ensureTable(client: DynamoDBClient, tableName: string, shape: TableShape): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const keys = new Set([
    shape.partitionKey,
    ...shape.indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ]);
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...keys].map((name) => ({
        AttributeName: name,
        AttributeType: shape.numberKeys?.includes(name) ? 'N' : 'S',
      })),
      KeySchema: [{ AttributeName: shape.partitionKey, KeyType: 'HASH' }],
      ...(shape.indexes.length > 0 && {
        GlobalSecondaryIndexes: shape.indexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: tableName });
}

/** The jobs table: by tenant and by due time. */
export const ensureJobsTable = (client: DynamoDBClient, tableName: string) =>
  ensureTable(client, tableName, {
    partitionKey: JOBS_TABLE.partitionKey,
    indexes: [JOBS_TABLE.byTenant, JOBS_TABLE.byDue],
    numberKeys: [JOBS_TABLE.byDue.sortKey],
  });

/** The accounts table: tenants, keys (listed by tenant) and rate counters. */
export const ensureAccountsTable = (client: DynamoDBClient, tableName: string) =>
  ensureTable(client, tableName, {
    partitionKey: ACCOUNTS_TABLE.partitionKey,
    indexes: [ACCOUNTS_TABLE.keysByTenant],
  });

/** The usage table: concurrency slots, queues and daily spend, one item per pool. */
export const ensureUsageTable = (client: DynamoDBClient, tableName: string) =>
  ensureTable(client, tableName, { partitionKey: USAGE_TABLE.partitionKey, indexes: [] });

/** The webhooks table: endpoints (by tenant), callback secrets and delivery attempts (by endpoint). */
export const ensureWebhooksTable = (client: DynamoDBClient, tableName: string) =>
  ensureTable(client, tableName, {
    partitionKey: WEBHOOKS_TABLE.partitionKey,
    indexes: [WEBHOOKS_TABLE.byOwner],
  });

export { DynamoDBClient };

/** The connections table: open event streams, by tenant. */
export const ensureConnectionsTable = (client: DynamoDBClient, tableName: string) =>
  ensureTable(client, tableName, {
    partitionKey: CONNECTIONS_TABLE.partitionKey,
    indexes: [CONNECTIONS_TABLE.byTenant],
  });
