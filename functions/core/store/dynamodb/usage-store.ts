import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  ScanCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { PoolScope, UsagePool, UsageStore } from '../usage-store.ts';
import { USAGE_TABLE } from './usage-table.ts';

const GLOBAL_PK = 'global';
const TENANT_PREFIX = 'tenant#';

const pkOf = (scope: PoolScope) => (scope === 'global' ? GLOBAL_PK : `${TENANT_PREFIX}${scope.tenant}`);

function scopeOf(pk: string): PoolScope {
  return pk === GLOBAL_PK ? 'global' : { tenant: pk.slice(TENANT_PREFIX.length) };
}

function poolOf(item: Record<string, unknown> | undefined): UsagePool {
  const numbers = (value: unknown) =>
    value && typeof value === 'object' ? (value as Record<string, number>) : {};
  return {
    active: numbers(item?.active),
    waiting: numbers(item?.waiting),
    spendDay: typeof item?.spendDay === 'string' ? item.spendDay : undefined,
    spentMicros: typeof item?.spentMicros === 'number' ? item.spentMicros : 0,
    ...(typeof item?.maxActive === 'number' && { maxActive: item.maxActive }),
  };
}

/** A nested map path on an item whose maps do not exist yet: DynamoDB answers ValidationException. */
const isMissingPath = (error: unknown) =>
  error instanceof Error &&
  error.name === 'ValidationException' &&
  /document path provided in the update expression is invalid/i.test(error.message);

/**
 * Pools as single items updated with conditional UpdateItems only (dynalite has no transactions):
 * the cap is a `size(active) < :max` condition on the very write that takes the slot, so concurrent
 * takers can never overshoot it.
 */
export function createDynamoUsageStore(client: DynamoDBClient, tableName: string): UsageStore {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const created = new Set<string>();

  /** The maps nested writes need; made once per pool (idempotently) before the first such write. */
  async function ensurePool(pk: string): Promise<void> {
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [USAGE_TABLE.partitionKey]: pk },
        UpdateExpression:
          'SET #active = if_not_exists(#active, :empty), #waiting = if_not_exists(#waiting, :empty)',
        ExpressionAttributeNames: { '#active': 'active', '#waiting': 'waiting' },
        ExpressionAttributeValues: { ':empty': {} },
      }),
    );
    created.add(pk);
  }

  /** Runs a conditional update: the pool as it is after it, or undefined when its condition did not hold. */
  async function write(
    scope: PoolScope,
    input: Omit<UpdateCommandInput, 'TableName' | 'Key'>,
  ): Promise<UsagePool | undefined> {
    const pk = pkOf(scope);
    if (!created.has(pk)) await ensurePool(pk);
    const command = async () => {
      const { Attributes } = await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { [USAGE_TABLE.partitionKey]: pk },
          ReturnValues: 'ALL_NEW',
          ...input,
        }),
      );
      return poolOf(Attributes);
    };
    try {
      return await command();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      if (!isMissingPath(error)) throw error;
    }
    // the pool was removed behind our cache (a fresh table): make it again, once
    await ensurePool(pk);
    try {
      return await command();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  const update = async (scope: PoolScope, input: Omit<UpdateCommandInput, 'TableName' | 'Key'>) =>
    (await write(scope, input)) !== undefined;

  const names = (jobId: string) => ({ '#active': 'active', '#waiting': 'waiting', '#job': jobId });

  async function get(scope: PoolScope): Promise<UsagePool> {
    const { Item } = await doc.send(
      new GetCommand({
        TableName: tableName,
        Key: { [USAGE_TABLE.partitionKey]: pkOf(scope) },
        ConsistentRead: true,
      }),
    );
    return poolOf(Item);
  }

  return {
    get,

    async list() {
      const pools: Array<{ scope: PoolScope; pool: UsagePool }> = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
        );
        for (const item of page.Items ?? []) {
          pools.push({ scope: scopeOf(String(item[USAGE_TABLE.partitionKey])), pool: poolOf(item) });
        }
        start = page.LastEvaluatedKey;
      } while (start);
      return pools;
    },

    takeSlot(scope, jobId, at, max, onlyIfNoneWaiting = false) {
      // a holder keeps its first time: the repair pass compares it
      return update(scope, {
        UpdateExpression: 'SET #active.#job = if_not_exists(#active.#job, :at), #cap = :max',
        ConditionExpression: `attribute_exists(#active.#job) OR (size(#active) < :max${onlyIfNoneWaiting ? ' AND size(#waiting) = :zero' : ''})`,
        ExpressionAttributeNames: {
          ...(onlyIfNoneWaiting ? names(jobId) : { '#active': 'active', '#job': jobId }),
          '#cap': 'maxActive',
        },
        ExpressionAttributeValues: { ':at': at, ':max': max, ...(onlyIfNoneWaiting && { ':zero': 0 }) },
      });
    },

    promote(scope, jobId, at, max) {
      return update(scope, {
        UpdateExpression: 'REMOVE #waiting.#job SET #active.#job = :at',
        ConditionExpression: 'attribute_exists(#waiting.#job) AND size(#active) < :max',
        ExpressionAttributeNames: names(jobId),
        ExpressionAttributeValues: { ':at': at, ':max': max },
      });
    },

    enqueue(scope, jobId, ticket, maxQueued, maxActive) {
      const cap = maxActive !== undefined;
      return update(scope, {
        UpdateExpression: `SET #waiting.#job = if_not_exists(#waiting.#job, :ticket)${cap ? ', #cap = :cap' : ''}`,
        ConditionExpression: 'attribute_exists(#waiting.#job) OR size(#waiting) < :max',
        ExpressionAttributeNames: {
          '#waiting': 'waiting',
          '#job': jobId,
          ...(cap && { '#cap': 'maxActive' }),
        },
        ExpressionAttributeValues: {
          ':ticket': ticket,
          ':max': maxQueued,
          ...(cap && { ':cap': maxActive }),
        },
      });
    },

    async requeue(scope, jobId, ticket) {
      await update(scope, {
        UpdateExpression: 'REMOVE #active.#job SET #waiting.#job = :ticket',
        ExpressionAttributeNames: names(jobId),
        ExpressionAttributeValues: { ':ticket': ticket },
      });
    },

    release(scope, jobId, ifSince) {
      return write(scope, {
        UpdateExpression: 'REMOVE #active.#job, #waiting.#job',
        ...(ifSince !== undefined && {
          ConditionExpression: '#active.#job = :since OR #waiting.#job = :since',
          ExpressionAttributeValues: { ':since': ifSince },
        }),
        ExpressionAttributeNames: names(jobId),
      });
    },

    async reserveSpend(scope, day, micros, limitMicros) {
      if (micros > limitMicros) return false;
      const spend = { '#day': 'spendDay', '#spent': 'spentMicros' };
      // a new day and a racing second writer: a few rounds settle it
      for (let round = 0; round < 3; round++) {
        const sameDay = await update(scope, {
          UpdateExpression: 'ADD #spent :cost',
          ConditionExpression: '#day = :day AND #spent <= :room',
          ExpressionAttributeNames: spend,
          ExpressionAttributeValues: { ':day': day, ':cost': micros, ':room': limitMicros - micros },
        });
        if (sameDay) return true;
        // an earlier day (or none) counts as nothing spent; a later one is never written back over
        const newDay = await update(scope, {
          UpdateExpression: 'SET #day = :day, #spent = :cost',
          ConditionExpression: 'attribute_not_exists(#day) OR #day < :day',
          ExpressionAttributeNames: spend,
          ExpressionAttributeValues: { ':day': day, ':cost': micros },
        });
        if (newDay) return true;
        const current = await get(scope);
        if (current.spendDay === day && current.spentMicros + micros > limitMicros) return false;
        if (current.spendDay !== undefined && current.spendDay > day) return false;
      }
      return false;
    },

    async refundSpend(scope, day, micros) {
      await update(scope, {
        UpdateExpression: 'ADD #spent :refund',
        ConditionExpression: '#day = :day',
        ExpressionAttributeNames: { '#day': 'spendDay', '#spent': 'spentMicros' },
        ExpressionAttributeValues: { ':day': day, ':refund': -micros },
      });
    },
  };
}
