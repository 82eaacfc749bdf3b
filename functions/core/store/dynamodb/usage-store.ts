import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DynamoDBDocumentClient,
  GetCommand,
  ScanCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { shardCap, shardOrder } from '../../domain/limits.ts';
import type { PoolScope, UsagePool, UsageStore } from '../usage-store.ts';
import { USAGE_TABLE } from './usage-table.ts';

/** Shard 0 keeps the key the single pool had, so slots held before shards existed are still found. */
const GLOBAL_PK = 'global';
const SHARD_PREFIX = 'global#';
const TENANT_PREFIX = 'tenant#';

const shardPk = (shard: number) => (shard === 0 ? GLOBAL_PK : `${SHARD_PREFIX}${shard}`);

function pkOf(scope: PoolScope): string {
  if (scope === 'global') return GLOBAL_PK;
  return 'shard' in scope ? shardPk(scope.shard) : `${TENANT_PREFIX}${scope.tenant}`;
}

function scopeOf(pk: string): PoolScope {
  if (pk === GLOBAL_PK) return { shard: 0 };
  if (pk.startsWith(SHARD_PREFIX)) return { shard: Number(pk.slice(SHARD_PREFIX.length)) };
  return { tenant: pk.slice(TENANT_PREFIX.length) };
}

/** The deployment's pool as one: every shard's holders, shard 0's spend. */
function merged(shards: UsagePool[]): UsagePool {
  const first = shards[0] ?? poolOf(undefined);
  return { ...first, active: Object.assign({}, ...shards.map((pool) => pool.active)) };
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
 * Pools as items updated with conditional UpdateItems only (dynalite has no transactions): the cap is
 * a `size(active) < :max` condition on the very write that takes the slot, so concurrent takers can
 * never overshoot it. The deployment's pool is `shards` such items, each capped at its part of the
 * cap (the parts sum to it), so each stays small and takers spread over them.
 */
export function createDynamoUsageStore(
  client: DynamoDBClient,
  tableName: string,
  options: { shards?: number } = {},
): UsageStore {
  const shards = options.shards ?? 1;
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

  /** Every shard of the deployment's pool in one consistent BatchGetItem (per 100 keys). */
  async function getShards(): Promise<UsagePool[]> {
    const found = new Map<string, UsagePool>();
    const pks = Array.from({ length: shards }, (_, shard) => shardPk(shard));
    for (let from = 0; from < pks.length; from += 100) {
      let keys: Array<Record<string, unknown>> | undefined = pks
        .slice(from, from + 100)
        .map((pk) => ({ [USAGE_TABLE.partitionKey]: pk }));
      // unprocessed keys (a throttled read) are asked again, a bounded number of times
      for (let round = 0; keys && keys.length > 0; round++) {
        if (round === 5) throw new Error('reading the pool shards: keys left unprocessed');
        const answer: BatchGetCommandOutput = await doc.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of answer.Responses?.[tableName] ?? [])
          found.set(String(item[USAGE_TABLE.partitionKey]), poolOf(item));
        keys = answer.UnprocessedKeys?.[tableName]?.Keys;
      }
    }
    return pks.map((pk) => found.get(pk) ?? poolOf(undefined));
  }

  async function takeSharedSlot(jobId: string, at: number, max: number): Promise<number | undefined> {
    for (const shard of shardOrder(jobId, shards)) {
      const cap = shardCap(max, shards, shard);
      if (cap === 0) continue;
      const taken = await update(
        { shard },
        {
          UpdateExpression: 'SET #active.#job = if_not_exists(#active.#job, :at)',
          ConditionExpression: 'attribute_exists(#active.#job) OR size(#active) < :max',
          ExpressionAttributeNames: { '#active': 'active', '#job': jobId },
          ExpressionAttributeValues: { ':at': at, ':max': cap },
        },
      );
      if (taken) return shard;
    }
    return undefined;
  }

  function releaseFrom(scope: PoolScope, jobId: string, ifSince?: number): Promise<UsagePool | undefined> {
    return write(scope, {
      UpdateExpression: 'REMOVE #active.#job, #waiting.#job',
      ...(ifSince !== undefined && {
        ConditionExpression: '#active.#job = :since OR #waiting.#job = :since',
        ExpressionAttributeValues: { ':since': ifSince },
      }),
      ExpressionAttributeNames: names(jobId),
    });
  }

  async function get(scope: PoolScope): Promise<UsagePool> {
    if (scope === 'global' && shards > 1) return merged(await getShards());
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

    takeSharedSlot,

    async takeSlot(scope, jobId, at, max, onlyIfNoneWaiting = false) {
      if (scope === 'global') return (await takeSharedSlot(jobId, at, max)) !== undefined;
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

    async release(scope, jobId, ifSince) {
      if (scope === 'global' && shards > 1) {
        // the shard unknown (a caller without the job's record): out of every one
        const after = await Promise.all(
          Array.from({ length: shards }, (_, shard) => releaseFrom({ shard }, jobId, ifSince)),
        );
        return after.some((pool) => pool !== undefined)
          ? merged(after.map((pool) => pool ?? poolOf(undefined)))
          : undefined;
      }
      return releaseFrom(scope, jobId, ifSince);
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
