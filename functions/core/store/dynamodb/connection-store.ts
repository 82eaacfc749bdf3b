import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Connection } from '../../domain/connection.ts';
import type { ConnectionStore } from '../connection-store.ts';
import { CONNECTIONS_TABLE } from './connections-table.ts';

type Item = Omit<Connection, 'expiresAt'> & { expiresAt: number };

// the TTL attribute is in epoch seconds; the domain speaks milliseconds
const toItem = (connection: Connection): Item => ({
  ...connection,
  expiresAt: Math.ceil(connection.expiresAt / 1000),
});
const fromItem = (item: Record<string, unknown>): Connection => {
  const record = item as unknown as Item;
  return { ...record, expiresAt: record.expiresAt * 1000 };
};

export function createDynamoConnectionStore(client: DynamoDBClient, tableName: string): ConnectionStore {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    async put(connection) {
      await doc.send(new PutCommand({ TableName: tableName, Item: toItem(connection) }));
    },
    async remove(connectionId) {
      await doc.send(new DeleteCommand({ TableName: tableName, Key: { connectionId } }));
    },
    async get(connectionId) {
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: { connectionId }, ConsistentRead: true }),
      );
      return Item ? fromItem(Item) : undefined;
    },
    async listByTenant(tenant, now) {
      const { indexName, partitionKey } = CONNECTIONS_TABLE.byTenant;
      const connections: Connection[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: indexName,
            KeyConditionExpression: '#pk = :tenant',
            ExpressionAttributeNames: { '#pk': partitionKey },
            ExpressionAttributeValues: { ':tenant': tenant },
            ...(startKey && { ExclusiveStartKey: startKey }),
          }),
        );
        connections.push(...(page.Items ?? []).map(fromItem));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      // TTL deletes late (hours, and never in dynalite): an expired record is already gone
      return connections.filter((connection) => connection.expiresAt > now);
    },
  };
}
