import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FollowUpQueue } from '../follow-up-queue.ts';

export function createSqsFollowUpQueue(client: SQSClient, queueUrl: string): FollowUpQueue {
  return {
    async send(message) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
    },
  };
}
