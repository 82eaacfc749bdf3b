import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CallbackSecret, WebhookEndpoint } from '../../domain/webhook-endpoint.ts';
import type { DeliveryAttempt, WebhookStore } from '../webhook-store.ts';
import { WEBHOOKS_TABLE } from './webhooks-table.ts';

/** How long the delivery log keeps an attempt. */
const ATTEMPT_TTL_SECONDS = 30 * 86_400;

const endpointPk = (id: string) => `endpoint#${id}`;
const tenantOwner = (tenant: string) => `tenant#${tenant}`;
const callbackPk = (tenant: string) => `callback#${tenant}`;
const attemptsOwner = (endpointId: string) => `attempts#${endpointId}`;

type Stored = Record<string, unknown>;

function strip<T>(item: Stored): T {
  const { pk: _p, owner: _o, sk: _s, expiresAt: _e, ...rest } = item;
  return rest as T;
}

export function createDynamoWebhookStore(client: DynamoDBClient, tableName: string): WebhookStore {
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });

  async function conditionalPut(item: Stored, previousVersion: number): Promise<boolean> {
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: item,
          ...(previousVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#version = :previous',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':previous': previousVersion },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  const get = async (pk: string) =>
    (await doc.send(new GetCommand({ TableName: tableName, Key: { pk }, ConsistentRead: true }))).Item;

  const endpointItem = (endpoint: WebhookEndpoint): Stored => ({
    ...endpoint,
    pk: endpointPk(endpoint.id),
    owner: tenantOwner(endpoint.tenant),
    sk: endpoint.id,
  });

  return {
    async createEndpoint(endpoint) {
      if (!(await conditionalPut(endpointItem(endpoint), 0)))
        throw new Error(`webhook endpoint ${endpoint.id} already exists`);
    },

    async getEndpoint(id) {
      const item = await get(endpointPk(id));
      return item ? strip<WebhookEndpoint>(item) : undefined;
    },

    saveEndpoint: (next) => conditionalPut(endpointItem(next), next.version - 1),

    async deleteEndpoint(id) {
      await doc.send(new DeleteCommand({ TableName: tableName, Key: { pk: endpointPk(id) } }));
    },

    async listEndpoints(tenant, { after, limit, order }) {
      const { indexName, partitionKey, sortKey } = WEBHOOKS_TABLE.byOwner;
      const { Items = [] } = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: indexName,
          KeyConditionExpression: `#pk = :owner${after ? ` AND #sk ${order === 'asc' ? '>' : '<'} :after` : ''}`,
          ExpressionAttributeNames: { '#pk': partitionKey, ...(after && { '#sk': sortKey }) },
          ExpressionAttributeValues: { ':owner': tenantOwner(tenant), ...(after && { ':after': after }) },
          ScanIndexForward: order === 'asc',
          Limit: limit + 1,
        }),
      );
      return {
        endpoints: Items.slice(0, limit).map((item) => strip<WebhookEndpoint>(item)),
        hasMore: Items.length > limit,
      };
    },

    async getCallbackSecret(tenant) {
      const item = await get(callbackPk(tenant));
      return item ? strip<CallbackSecret>(item) : undefined;
    },

    saveCallbackSecret: (next) => conditionalPut({ ...next, pk: callbackPk(next.tenant) }, next.version - 1),

    async recordAttempt(attempt) {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...attempt,
            pk: `attempt#${attempt.endpointId}#${attempt.eventId}#${attempt.attempt}`,
            owner: attemptsOwner(attempt.endpointId),
            sk: `${String(attempt.at).padStart(15, '0')}#${attempt.eventId}#${attempt.attempt}`,
            expiresAt: Math.floor(attempt.at / 1000) + ATTEMPT_TTL_SECONDS,
          },
        }),
      );
    },

    async listAttempts(endpointId, limit) {
      const { indexName, partitionKey } = WEBHOOKS_TABLE.byOwner;
      const { Items = [] } = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: indexName,
          KeyConditionExpression: '#pk = :owner',
          ExpressionAttributeNames: { '#pk': partitionKey },
          ExpressionAttributeValues: { ':owner': attemptsOwner(endpointId) },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return Items.map((item) => strip<DeliveryAttempt>(item));
    },
  };
}
