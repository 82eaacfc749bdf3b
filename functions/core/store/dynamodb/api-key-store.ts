import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ApiKeyRecord } from '../../domain/api-key.ts';
import type { ApiKeyStore } from '../api-key-store.ts';
import { ACCOUNTS_TABLE, keyPk } from './accounts-table.ts';

function fromItem(item: Record<string, unknown>): ApiKeyRecord {
  const record: ApiKeyRecord = {
    keyId: String(item.keyId),
    tenant: String(item.keyTenant),
    name: String(item.name ?? ''),
    hint: String(item.hint ?? ''),
    createdAt: Number(item.createdAt),
  };
  if (typeof item.revokedAt === 'number') record.revokedAt = item.revokedAt;
  if (typeof item.lastUsedAt === 'number') record.lastUsedAt = item.lastUsedAt;
  return record;
}

const ignoreConditionFailure = (error: unknown) => {
  if (!(error instanceof ConditionalCheckFailedException)) throw error;
};

export function createDynamoApiKeyStore(client: DynamoDBClient, tableName: string): ApiKeyStore {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

  async function findById(keyId: string): Promise<Record<string, unknown> | undefined> {
    // the admin CLI's path only: a filtered scan over a table of tenants and keys
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: '#keyId = :keyId',
          ExpressionAttributeNames: { '#keyId': 'keyId' },
          ExpressionAttributeValues: { ':keyId': keyId },
          ExclusiveStartKey: start,
        }),
      );
      if (page.Items?.[0]) return page.Items[0];
      start = page.LastEvaluatedKey;
    } while (start);
    return undefined;
  }

  return {
    async create(hash, record) {
      const { tenant, ...rest } = record;
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: keyPk(hash), kind: 'key', keyTenant: tenant, ...rest },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async findByHash(hash) {
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: { pk: keyPk(hash) }, ConsistentRead: true }),
      );
      return Item?.kind === 'key' ? fromItem(Item) : undefined;
    },

    async list(tenant) {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = tenant
          ? await doc.send(
              new QueryCommand({
                TableName: tableName,
                IndexName: ACCOUNTS_TABLE.keysByTenant.indexName,
                KeyConditionExpression: '#t = :t',
                ExpressionAttributeNames: { '#t': ACCOUNTS_TABLE.keysByTenant.partitionKey },
                ExpressionAttributeValues: { ':t': tenant },
                ExclusiveStartKey: start,
              }),
            )
          : await doc.send(
              new ScanCommand({
                TableName: tableName,
                FilterExpression: '#kind = :key',
                ExpressionAttributeNames: { '#kind': 'kind' },
                ExpressionAttributeValues: { ':key': 'key' },
                ExclusiveStartKey: start,
              }),
            );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items.map(fromItem).sort((a, b) => a.createdAt - b.createdAt || a.keyId.localeCompare(b.keyId));
    },

    async revoke(keyId, now) {
      const item = await findById(keyId);
      if (!item) return undefined;
      const { Attributes } = await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: item.pk },
          UpdateExpression: 'SET #revokedAt = if_not_exists(#revokedAt, :now)',
          ExpressionAttributeNames: { '#revokedAt': 'revokedAt' },
          ExpressionAttributeValues: { ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? fromItem(Attributes) : undefined;
    },

    async touch(hash, now, minIntervalMs) {
      await doc
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: keyPk(hash) },
            UpdateExpression: 'SET #lastUsedAt = :now',
            ConditionExpression:
              'attribute_exists(pk) AND (attribute_not_exists(#lastUsedAt) OR #lastUsedAt <= :before)',
            ExpressionAttributeNames: { '#lastUsedAt': 'lastUsedAt' },
            ExpressionAttributeValues: { ':now': now, ':before': now - minIntervalMs },
          }),
        )
        .catch(ignoreConditionFailure);
    },
  };
}
