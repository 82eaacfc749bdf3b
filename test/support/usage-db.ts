import { ensureUsageTable } from '../../dev/embedded/dynamodb.ts';
import { createDynamoUsageStore } from '../../functions/core/store/dynamodb/usage-store.ts';
import type { UsageStore } from '../../functions/core/store/usage-store.ts';
import { startTestDynamo } from './test-dynamo.ts';

export interface UsageDb {
  usage: UsageStore;
  /** A second store on the same table: another Lambda instance, with its own caches. */
  another(): UsageStore;
  /** A store on the same table whose deployment pool is split over `shards` items. */
  sharded(shards: number): UsageStore;
  close(): Promise<void>;
}

/** An in-memory dynalite with a fresh usage table. */
export async function startUsageDb(): Promise<UsageDb> {
  const { client, table, close } = await startTestDynamo('usage');
  await ensureUsageTable(client, table);
  return {
    usage: createDynamoUsageStore(client, table),
    another: () => createDynamoUsageStore(client, table),
    sharded: (shards) => createDynamoUsageStore(client, table, { shards }),
    close,
  };
}
