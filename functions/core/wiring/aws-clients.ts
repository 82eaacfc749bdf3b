import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '../config.ts';
import { boundedCalls, DYNAMODB_LIMITS, SQS_LIMITS } from '../net/aws-call-bounds.ts';
import { tracer } from '../tracer.ts';

/** The client, traced when X-Ray tracing is on (functions/core/tracer.ts). */
export const traced = <Client extends DynamoDBClient | S3Client | SQSClient>(client: Client): Client =>
  tracer ? tracer.captureAWSv3Client(client) : client;

// One client per service, for config's region and endpoints (the local stack's stand-ins), each
// traced in X-Ray on Lambda so a trace shows its DynamoDB, S3 and SQS calls. Separate factories, so
// a function that uses no S3 bundles no S3 client (S3's is in wiring/s3.ts, with the archive). Every
// call is bounded by its service's limits and the caller's deadline (net/aws-call-bounds.ts).

export const dynamoClient = (config: Config): DynamoDBClient =>
  traced(
    new DynamoDBClient({
      region: config.region,
      endpoint: config.endpoints.dynamodb,
      ...boundedCalls(DYNAMODB_LIMITS),
    }),
  );

export const sqsClient = (config: Config): SQSClient =>
  traced(
    new SQSClient({
      region: config.region,
      endpoint: config.endpoints.sqs,
      ...boundedCalls(SQS_LIMITS),
    }),
  );
