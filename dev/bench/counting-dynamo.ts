import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoJobStore } from '../../functions/core/store/dynamodb/job-store.ts';
import type { JobStore } from '../../functions/core/store/job-store.ts';

export interface CountingStore {
  store: JobStore;
  /** Requests sent, by DynamoDB operation (GetItem, PutItem, Query, …). */
  counts(): Record<string, number>;
  /** Jobs this store has written into a terminal state, so a caller can wait for them without reading. */
  ended(): { completed: number; failed: number };
}

/** The real job store on a client whose SDK middleware counts each DynamoDB request it sends. */
export function countingJobStore(endpoint: string, region: string, table: string): CountingStore {
  const client = new DynamoDBClient({ region, endpoint });
  const counts: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => (args) => {
      // the operation name is the wire one (e.g. PutItem) whether the document client or the plain one sent it
      const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      counts[operation] = (counts[operation] ?? 0) + 1;
      return next(args);
    },
    { step: 'build', name: 'reelayBenchCount' },
  );
  const ended = { completed: 0, failed: 0 };
  const store = createDynamoJobStore(client, table);
  return {
    store: {
      ...store,
      async save(next) {
        const saved = await store.save(next);
        if (saved && (next.state === 'completed' || next.state === 'failed')) ended[next.state]++;
        return saved;
      },
    },
    counts: () => ({ ...counts }),
    ended: () => ({ ...ended }),
  };
}
