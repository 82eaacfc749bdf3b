import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ensureUsageTable, startDynamo } from '../../dev/embedded/dynamodb.ts';
import { createDynamoUsageStore } from '../../functions/core/store/dynamodb/usage-store.ts';
import type { UsageStore } from '../../functions/core/store/usage-store.ts';

export interface UsageDb {
  usage: UsageStore;
  /** A second store on the same table: another Lambda instance, with its own caches. */
  another(): UsageStore;
  close(): Promise<void>;
}

/** An in-memory dynalite with a fresh usage table, for store tests that need no whole stack. */
export async function startUsageDb(): Promise<UsageDb> {
  const dynamo = await startDynamo({});
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: dynamo.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const table = `usage-${randomUUID().slice(0, 8)}`;
  await ensureUsageTable(client, table);
  return {
    usage: createDynamoUsageStore(client, table),
    another: () => createDynamoUsageStore(client, table),
    async close() {
      client.destroy();
      await dynamo.close();
    },
  };
}
