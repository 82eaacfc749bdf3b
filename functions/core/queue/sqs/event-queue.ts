import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type EventMessage, type EventQueue, type GreetMessage, MAX_QUEUE_DELAY_MS } from '../event-queue.ts';

export function createSqsEventQueue(client: SQSClient, queueUrl: string, deadLetterUrl: string): EventQueue {
  const send = (url: string, message: EventMessage | GreetMessage, delayMs = 0) =>
    client.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: JSON.stringify(message),
        ...(delayMs > 0 && { DelaySeconds: Math.ceil(Math.min(delayMs, MAX_QUEUE_DELAY_MS) / 1000) }),
      }),
    );
  return {
    async enqueue(jobId, delayMs) {
      await send(queueUrl, { jobId }, delayMs);
    },
    async greet(connectionId, delayMs) {
      await send(queueUrl, { connectionId }, delayMs);
    },
    async deadLetter(jobId) {
      await send(deadLetterUrl, { jobId, revive: true });
    },
  };
}
