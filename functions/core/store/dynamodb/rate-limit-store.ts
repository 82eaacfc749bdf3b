import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateLimitStore } from '../rate-limit-store.ts';
import { ratePk } from './accounts-table.ts';

/** Counters stay a little past their window, then the table's TTL drops them. */
const KEEP_AFTER_WINDOW_SECONDS = 300;

/**
 * One item per scope and window in the accounts table; a conditional ADD counts atomically, so the
 * limit holds across Lambda instances, and a refused request does not raise the count.
 */
export function createDynamoRateLimitStore(client: DynamoDBClient, tableName: string): RateLimitStore {
  const doc = DynamoDBDocumentClient.from(client);
  return {
    async hit(scope, windowStart, windowMs, limit) {
      try {
        const { Attributes } = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: ratePk(scope, windowStart) },
            UpdateExpression: 'ADD #count :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
            ExpressionAttributeNames: { '#count': 'count', '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: {
              ':one': 1,
              ':limit': limit,
              ':expiresAt': Math.ceil((windowStart + windowMs) / 1000) + KEEP_AFTER_WINDOW_SECONDS,
            },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return Number(Attributes?.count);
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },
    async release(scope, windowStart) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: ratePk(scope, windowStart) },
            UpdateExpression: 'ADD #count :minusOne',
            ConditionExpression: '#count > :zero',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
          }),
        );
      } catch (error) {
        // nothing counted (the item expired or was never written): nothing to give back
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
}
