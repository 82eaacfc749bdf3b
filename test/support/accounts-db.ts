import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ensureAccountsTable, startDynamo } from '../../dev/embedded/dynamodb.ts';

export interface AccountsDb {
  client: DynamoDBClient;
  table: string;
  close(): Promise<void>;
}

/** An in-memory dynalite with a fresh accounts table, for store tests that need no whole stack. */
export async function startAccountsDb(): Promise<AccountsDb> {
  const dynamo = await startDynamo({});
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: dynamo.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const table = `accounts-${randomUUID().slice(0, 8)}`;
  await ensureAccountsTable(client, table);
  return {
    client,
    table,
    async close() {
      client.destroy();
      await dynamo.close();
    },
  };
}
