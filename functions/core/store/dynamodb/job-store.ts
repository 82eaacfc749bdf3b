import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Job } from '../../domain/job.ts';
import { isTerminal } from '../../domain/job.ts';
import type { JobStore } from '../job-store.ts';
import { JobConflictError } from '../job-store.ts';
import { JOBS_TABLE } from './jobs-table.ts';

/** How long a deleted job's tombstone stays, so late webhooks still find (and ignore) it. */
const TOMBSTONE_SECONDS = 7 * 86_400;

type Item = Job & { listTenant?: string; activeState?: string; expiresAt?: number };

function toItem(job: Job): Item {
  const item: Item = { ...job };
  if (!job.deletedAt) item.listTenant = job.tenant;
  // waiting jobs get their own partition: the reconciler's queued pass must not wade through a long queue
  if (!isTerminal(job.state) && job.dueAt !== undefined)
    item.activeState = job.waitingSince !== undefined ? JOBS_TABLE.byDue.waitingPartition : job.state;
  // an ended job's undelivered event: its delivery's due time stands in as the index's sort key
  if (isTerminal(job.state) && job.outbox?.dueAt !== undefined) {
    item.activeState = JOBS_TABLE.byDue.outboxPartition;
    item.dueAt = job.outbox.dueAt;
  }
  if (job.deletedAt) item.expiresAt = Math.floor(job.deletedAt / 1000) + TOMBSTONE_SECONDS;
  return item;
}

/**
 * Idempotency keys live beside the jobs they name, as items outside both indexes; the id hashes the
 * tenant with the key, so keys are scoped per tenant and a client's key text is never stored.
 */
const idempotencyItemId = (tenant: string, key: string) =>
  `idempotency#${createHash('sha256').update(`${tenant}\n${key}`).digest('hex')}`;

function fromItem(item: Record<string, unknown>): Job {
  // the table holds only what toItem wrote
  const { listTenant: _l, activeState: _a, expiresAt: _e, ...job } = item as unknown as Item;
  // an ended job has no due time of its own (toItem lent it the outbox's)
  if (isTerminal(job.state)) delete job.dueAt;
  return job;
}

export function createDynamoJobStore(client: DynamoDBClient, tableName: string): JobStore {
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });

  async function conditionalPut(
    item: object,
    condition: string,
    names: Record<string, string>,
    values?: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ...(values && { ExpressionAttributeValues: values }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  return {
    async create(job) {
      if (!(await conditionalPut(toItem(job), 'attribute_not_exists(#id)', { '#id': 'id' })))
        throw new JobConflictError(job.id);
    },

    async get(id) {
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }),
      );
      return Item ? fromItem(Item) : undefined;
    },

    save(next) {
      return conditionalPut(
        toItem(next),
        '#version = :previous',
        { '#version': 'version' },
        { ':previous': next.version - 1 },
      );
    },

    async listByTenant(tenant, { after, limit, order }) {
      const { indexName, partitionKey, sortKey } = JOBS_TABLE.byTenant;
      // a query page stops at 1 MB whatever Limit says: read on until the page is full (and one more
      // item proves there is more) or the partition ends, so has_more never claims the end early
      const items: Record<string, unknown>[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: indexName,
            KeyConditionExpression: `#pk = :tenant${after ? ` AND #sk ${order === 'asc' ? '>' : '<'} :after` : ''}`,
            ExpressionAttributeNames: { '#pk': partitionKey, ...(after && { '#sk': sortKey }) },
            ExpressionAttributeValues: { ':tenant': tenant, ...(after && { ':after': after }) },
            ScanIndexForward: order === 'asc',
            Limit: limit + 1 - items.length,
            ...(startKey && { ExclusiveStartKey: startKey }),
          }),
        );
        items.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } while (startKey && items.length <= limit);
      return { jobs: items.slice(0, limit).map(fromItem), hasMore: items.length > limit };
    },

    async claimIdempotencyKey(tenant, key, claim, now, expiresAt) {
      const id = idempotencyItemId(tenant, key);
      const nowSeconds = Math.floor(now / 1000);
      for (;;) {
        const item = { id, ...claim, expiresAt: Math.ceil(expiresAt / 1000) };
        // dynalite and DynamoDB's TTL both leave expired items for a while: an expired key is free
        if (
          await conditionalPut(
            item,
            'attribute_not_exists(#id) OR #expires <= :now',
            {
              '#id': 'id',
              '#expires': JOBS_TABLE.ttlAttribute,
            },
            { ':now': nowSeconds },
          )
        )
          return claim;
        const { Item } = await doc.send(
          new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }),
        );
        if (Item && (Item.expiresAt as number) > nowSeconds)
          return { jobId: Item.jobId as string, fingerprint: Item.fingerprint as string };
      }
    },

    async listDue(state, now, limit) {
      const { indexName, partitionKey, sortKey } = JOBS_TABLE.byDue;
      const { Items = [] } = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: indexName,
          KeyConditionExpression: '#pk = :state AND #sk <= :now',
          ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
          ExpressionAttributeValues: { ':state': state, ':now': now },
          Limit: limit,
        }),
      );
      return Items.map(fromItem);
    },

    async listEventsDue(now, limit) {
      const { indexName, partitionKey, sortKey, outboxPartition } = JOBS_TABLE.byDue;
      const { Items = [] } = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: indexName,
          KeyConditionExpression: '#pk = :outbox AND #sk <= :now',
          ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
          ExpressionAttributeValues: { ':outbox': outboxPartition, ':now': now },
          Limit: limit,
        }),
      );
      return Items.map(fromItem);
    },

    async listWaiting(limit) {
      const { indexName, partitionKey, waitingPartition } = JOBS_TABLE.byDue;
      const { Items = [] } = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: indexName,
          KeyConditionExpression: '#pk = :waiting',
          ExpressionAttributeNames: { '#pk': partitionKey },
          ExpressionAttributeValues: { ':waiting': waitingPartition },
          Limit: limit,
        }),
      );
      return Items.map(fromItem);
    },
  };
}
