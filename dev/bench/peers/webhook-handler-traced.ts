import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { lambdaPeer } from './lambda-peer.ts';

// the peer receiver as webhook-handler.ts, plus what a team on X-Ray adds: Powertools' Tracer on its
// clients, loaded as its documentation shows. The fair peer for a Reelay function that traces.
const tracer = new Tracer({ serviceName: 'peer' });
export const handler = lambdaPeer(
  tracer.captureAWSv3Client(new DynamoDBClient({})),
  tracer.captureAWSv3Client(new SQSClient({})),
);
