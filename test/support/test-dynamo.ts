import { randomUUID } from 'node:crypto';
import { DynamoDBClient, startDynamo } from '../../dev/embedded/dynamodb.ts';

export interface TestDynamo {
  client: DynamoDBClient;
  /** A table name no other test uses, starting with `prefix`. */
  table: string;
  close(): Promise<void>;
}

/** An in-memory dynalite and a client for it, for store tests that need no whole stack. */
export async function startTestDynamo(prefix: string): Promise<TestDynamo> {
  const dynamo = await startDynamo({});
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: dynamo.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    client,
    table: `${prefix}-${randomUUID().slice(0, 8)}`,
    async close() {
      client.destroy();
      await dynamo.close();
    },
  };
}
