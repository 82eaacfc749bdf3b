import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ArchiveMessage, ArchiveQueue } from '../archive-queue.ts';

export function createSqsArchiveQueue(client: SQSClient, queueUrl: string): ArchiveQueue {
  return {
    async enqueue(jobId) {
      const message: ArchiveMessage = { jobId };
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
    },
  };
}
