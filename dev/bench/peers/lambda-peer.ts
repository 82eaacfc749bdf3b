import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { handle } from 'hono/aws-lambda';
import { createPeerReceiver } from './webhook-receiver.ts';

/**
 * The peer receiver as a Lambda handler on the clients it is given (plain, or wrapped by a tracer),
 * as the cold-start benchmark bundles it: fal's JWKS fetched once, its archive message sent to SQS.
 */
export function lambdaPeer(dynamo: DynamoDBClient, sqs: SQSClient) {
  const queueUrl = process.env.REELAY_ARCHIVE_QUEUE_URL ?? '';
  let jwks: Promise<{ keys: Array<Record<string, unknown>> }> | undefined;
  return handle(
    createPeerReceiver({
      dynamo,
      table: process.env.REELAY_JOBS_TABLE ?? 'jobs',
      jwks: () => {
        jwks ??= fetch('https://rest.fal.ai/.well-known/jwks.json').then(
          (response) => response.json() as Promise<{ keys: Array<Record<string, unknown>> }>,
        );
        return jwks;
      },
      enqueue: async (jobId) => {
        await sqs.send(
          new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ jobId }) }),
        );
      },
    }),
  );
}
