import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Operations that write; the rest (GetItem, Query, BatchGetItem, …) only read. */
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export interface CountingClient {
  client: DynamoDBClient;
  /** Requests sent since the last reset, keyed `Operation table` (e.g. `PutItem reelay-jobs`). */
  counts(): Record<string, number>;
  /** Reads and writes since the last reset. */
  totals(): { reads: number; writes: number; all: number };
  reset(): void;
}

/** A DynamoDB client whose SDK middleware counts every request it sends, by operation and table, across all tables. */
export function countingClient(endpoint: string, region: string): CountingClient {
  const client = new DynamoDBClient({ region, endpoint });
  let counts: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => (args) => {
      const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      const table = String((args.input as { TableName?: string }).TableName ?? 'several');
      const key = `${operation} ${table}`;
      counts[key] = (counts[key] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'reelayBenchCountAll' },
  );
  return {
    client,
    counts: () => ({ ...counts }),
    totals() {
      let reads = 0;
      let writes = 0;
      for (const [key, n] of Object.entries(counts)) {
        if (WRITES.has(key.split(' ')[0] as string)) writes += n;
        else reads += n;
      }
      return { reads, writes, all: reads + writes };
    },
    reset() {
      counts = {};
    },
  };
}
