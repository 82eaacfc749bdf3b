import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { handle } from 'hono/aws-lambda';
import { createPeerReceiver } from './webhook-receiver.ts';

// the peer receiver as webhook-handler.ts, plus what a team on X-Ray adds: Powertools' Tracer on its
// clients, loaded as its documentation shows. The fair peer for a Reelay function that traces.
const tracer = new Tracer({ serviceName: 'peer' });
const sqs = tracer.captureAWSv3Client(new SQSClient({}));
const queueUrl = process.env.REELAY_ARCHIVE_QUEUE_URL ?? '';
let jwks: Promise<{ keys: Array<Record<string, unknown>> }> | undefined;

export const handler = handle(
  createPeerReceiver({
    dynamo: tracer.captureAWSv3Client(new DynamoDBClient({})),
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
