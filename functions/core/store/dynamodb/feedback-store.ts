import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Feedback } from '../../domain/feedback.ts';
import type { FeedbackStore } from '../feedback-store.ts';

/** Feedback lives in the jobs table beside its video, as items outside both indexes. */
const feedbackId = (jobId: string, keyId: string) => `feedback#${jobId}#${keyId}`;

export function createDynamoFeedbackStore(client: DynamoDBClient, tableName: string): FeedbackStore {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    async get(jobId, keyId) {
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: { id: feedbackId(jobId, keyId) }, ConsistentRead: true }),
      );
      if (!Item) return undefined;
      const { id: _id, ...feedback } = Item;
      return feedback as Feedback;
    },

    async save(next) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { id: feedbackId(next.jobId, next.keyId), ...next },
            ConditionExpression: next.version === 1 ? 'attribute_not_exists(#id)' : '#version = :previous',
            ExpressionAttributeNames: next.version === 1 ? { '#id': 'id' } : { '#version': 'version' },
            ...(next.version > 1 && { ExpressionAttributeValues: { ':previous': next.version - 1 } }),
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}
