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
import { JOBS_TABLE } from '../../functions/core/store/dynamodb/jobs-table.ts';
import { USAGE_TABLE } from '../../functions/core/store/dynamodb/usage-table.ts';

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

/** Creates the jobs table as the CDK stack declares it, if it is not there yet. */
export async function ensureJobsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const { byTenant, byDue } = JOBS_TABLE;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: JOBS_TABLE.partitionKey, AttributeType: 'S' },
        { AttributeName: byTenant.partitionKey, AttributeType: 'S' },
        { AttributeName: byDue.partitionKey, AttributeType: 'S' },
        { AttributeName: byDue.sortKey, AttributeType: 'N' },
      ],
      KeySchema: [{ AttributeName: JOBS_TABLE.partitionKey, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [byTenant, byDue].map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: tableName });
}

/** Creates the accounts table (tenants, keys, rate counters) as the CDK stack declares it, if absent. */
export async function ensureAccountsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const { keysByTenant } = ACCOUNTS_TABLE;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: ACCOUNTS_TABLE.partitionKey, AttributeType: 'S' },
        { AttributeName: keysByTenant.partitionKey, AttributeType: 'S' },
        { AttributeName: keysByTenant.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: ACCOUNTS_TABLE.partitionKey, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: keysByTenant.indexName,
          KeySchema: [
            { AttributeName: keysByTenant.partitionKey, KeyType: 'HASH' },
            { AttributeName: keysByTenant.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: tableName });
}

/** Creates the usage table (concurrency slots, queues, daily spend) as the CDK stack declares it, if absent. */
export async function ensureUsageTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: USAGE_TABLE.partitionKey, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: USAGE_TABLE.partitionKey, KeyType: 'HASH' }],
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: tableName });
}

export { DynamoDBClient };
