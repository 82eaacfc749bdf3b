import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { lambdaPeer } from './lambda-peer.ts';

// the peer receiver as a Lambda entry, bundled like Reelay's functions for the cold-start benchmark
export const handler = lambdaPeer(new DynamoDBClient({}), new SQSClient({}));
