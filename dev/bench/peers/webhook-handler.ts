import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { handle } from 'hono/aws-lambda';
import { createPeerReceiver } from './webhook-receiver.ts';

// the peer receiver as a Lambda entry, bundled like Reelay's functions for the cold-start benchmark
const sqs = new SQSClient({});
const queueUrl = process.env.REELAY_ARCHIVE_QUEUE_URL ?? '';
let jwks: Promise<{ keys: Array<Record<string, unknown>> }> | undefined;

export const handler = handle(
  createPeerReceiver({
    dynamo: new DynamoDBClient({}),
    table: process.env.REELAY_JOBS_TABLE ?? 'jobs',
    jwks: () => {
      jwks ??= fetch('https://rest.fal.ai/.well-known/jwks.json').then(
        (response) => response.json() as Promise<{ keys: Array<Record<string, unknown>> }>,
      );
      return jwks;
    },
    enqueue: async (jobId) => {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ jobId }) }));
    },
  }),
);
