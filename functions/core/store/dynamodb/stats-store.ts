import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ALL_TENANTS, type StatsStore } from '../stats-store.ts';

/**
 * Counters live in the jobs table as items outside both indexes (`stats#<scope>#<day>`), each
 * counter its own attribute, so one UpdateItem with ADD adds to any of them atomically.
 */
const statsId = (scope: string, day: string) => `stats#${scope}#${day}`;
const META = new Set(['id', 'scope', 'day']);

export function createDynamoStatsStore(client: DynamoDBClient, tableName: string): StatsStore {
  const doc = DynamoDBDocumentClient.from(client);

  async function addTo(scope: string, day: string, counters: Record<string, number>) {
    const entries = Object.entries(counters).filter(([, value]) => value !== 0);
    if (entries.length === 0) return;
    const names: Record<string, string> = { '#scope': 'scope', '#day': 'day' };
    const values: Record<string, unknown> = { ':scope': scope, ':day': day };
    entries.forEach(([name, value], index) => {
      names[`#c${index}`] = name;
      values[`:c${index}`] = value;
    });
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { id: statsId(scope, day) },
        UpdateExpression: `SET #scope = :scope, #day = :day ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  return {
    async add(tenant, day, counters) {
      await addTo(tenant, day, counters);
      await addTo(ALL_TENANTS, day, counters);
    },

    async read(scope, days) {
      const found: Array<{ day: string; counters: Record<string, number> }> = [];
      for (let start = 0; start < days.length; start += 100) {
        let keys: Array<Record<string, unknown>> = days
          .slice(start, start + 100)
          .map((day) => ({ id: statsId(scope, day) }));
        // unprocessed keys (throttling) are asked again until none are left
        while (keys.length > 0) {
          const answer = await doc.send(
            new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }),
          );
          for (const item of answer.Responses?.[tableName] ?? []) {
            const counters: Record<string, number> = {};
            for (const [name, value] of Object.entries(item))
              if (!META.has(name) && typeof value === 'number') counters[name] = value;
            found.push({ day: String(item.day), counters });
          }
          keys = answer.UnprocessedKeys?.[tableName]?.Keys ?? [];
        }
      }
      return found.sort((a, b) => a.day.localeCompare(b.day));
    },
  };
}
