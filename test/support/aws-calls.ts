import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { BuildMiddleware, MetadataBearer } from '@smithy/types';
import type { Config } from '../../functions/core/config.ts';
import type { AwsClients } from '../../functions/core/wiring.ts';

/** One AWS call as IAM sees it: the action and the resource it is on, in the test's own naming. */
export interface AwsCall {
  /** e.g. `dynamodb:Query`, `s3:PutObject`. */
  action: string;
  /** `table/<name>[/index/<index>]`, `bucket/<name>[/<key>]` or `queue/<name>`. */
  resource: string;
  /** The `s3:prefix` a ListBucket asked for. */
  prefix?: string;
}

interface WireRequest {
  method: string;
  path: string;
  query: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

const text = (body: unknown) =>
  body instanceof Uint8Array ? new TextDecoder().decode(body) : typeof body === 'string' ? body : '{}';

function dynamoCall(request: WireRequest): AwsCall[] {
  const operation = request.headers['x-amz-target']?.split('.')[1] ?? 'unknown';
  const body = JSON.parse(text(request.body)) as {
    TableName?: string;
    IndexName?: string;
    RequestItems?: Record<string, unknown>;
  };
  const tables = body.TableName ? [body.TableName] : Object.keys(body.RequestItems ?? {});
  return tables.map((table) => ({
    action: `dynamodb:${operation}`,
    resource: `table/${table}${body.IndexName ? `/index/${body.IndexName}` : ''}`,
  }));
}

/** S3's REST calls (path style: /<bucket>/<key>) → the IAM action each needs. */
function s3Call(request: WireRequest): AwsCall {
  const [, bucket = '', ...rest] = request.path.split('/');
  const key = decodeURIComponent(rest.join('/'));
  const has = (name: string) => name in request.query;
  if (!key) {
    const prefix = request.query.prefix;
    return {
      action: `s3:${request.method === 'GET' ? 'ListBucket' : `${request.method}Bucket`}`,
      resource: `bucket/${bucket}`,
      ...(typeof prefix === 'string' && { prefix }),
    };
  }
  const object = `bucket/${bucket}/${key}`;
  switch (request.method) {
    case 'GET':
    case 'HEAD':
      return { action: 's3:GetObject', resource: object };
    case 'PUT':
    case 'POST':
      // PutObject, CreateMultipartUpload, UploadPart, CompleteMultipartUpload
      return { action: 's3:PutObject', resource: object };
    case 'DELETE':
      return { action: has('uploadId') ? 's3:AbortMultipartUpload' : 's3:DeleteObject', resource: object };
    default:
      return { action: `s3:${request.method}`, resource: object };
  }
}

function sqsCall(request: WireRequest): AwsCall {
  const operation = request.headers['x-amz-target']?.split('.')[1] ?? 'unknown';
  const body = JSON.parse(text(request.body)) as { QueueUrl?: string };
  return { action: `sqs:${operation}`, resource: `queue/${body.QueueUrl?.split('/').pop() ?? ''}` };
}

/**
 * The adapters' AWS clients, each recording every request it signs (after the SDK built it, so
 * what is recorded is what goes on the wire: lib-dynamodb, lib-storage and presigning included).
 */
export function recordingClients(config: Config, record: (call: AwsCall) => void): AwsClients {
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const clients: AwsClients = {
    dynamodb: new DynamoDBClient({ region: config.region, endpoint: config.endpoints.dynamodb, credentials }),
    s3: new S3Client({
      region: config.region,
      endpoint: config.endpoints.s3,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      credentials,
    }),
    sqs: new SQSClient({ region: config.region, endpoint: config.endpoints.sqs, credentials }),
  };
  const watch =
    (toCalls: (request: WireRequest) => AwsCall[]): BuildMiddleware<object, MetadataBearer> =>
    (next) =>
    async (args) => {
      for (const call of toCalls(args.request as WireRequest)) record(call);
      return next(args);
    };
  const options = { step: 'build', priority: 'low', name: 'recordAwsCall' } as const;
  clients.dynamodb.middlewareStack.add(watch(dynamoCall), options);
  clients.s3.middlewareStack.add(
    watch((request) => [s3Call(request)]),
    options,
  );
  clients.sqs.middlewareStack.add(
    watch((request) => [sqsCall(request)]),
    options,
  );
  return clients;
}
