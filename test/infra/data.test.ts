import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS_TABLE } from '../../functions/core/store/dynamodb/accounts-table.ts';
import { JOBS_TABLE } from '../../functions/core/store/dynamodb/jobs-table.ts';
import { USAGE_TABLE } from '../../functions/core/store/dynamodb/usage-table.ts';
import { MAX_RECEIVE_COUNT, VISIBILITY_PER_TIMEOUT } from '../../infra/constructs/archive-queue.ts';
import type { ReelayStack } from '../../infra/reelay-stack.ts';
import { buildStack, getAtt, type Json, logicalId, propertiesOf } from './helpers.ts';

let template: Template;
let stack: ReelayStack;

beforeAll(() => {
  ({ template, stack } = buildStack());
});

const resource = (construct: Parameters<typeof logicalId>[0]) =>
  (template.toJSON().Resources as Record<string, Json>)[logicalId(construct)] as Json & { Properties: Json };

describe('jobs table', () => {
  it('is on-demand, encrypted, point-in-time recoverable, with the TTL attribute from JOBS_TABLE', () => {
    expect(resource(stack.jobs.table).Properties).toMatchObject({
      KeySchema: [{ AttributeName: JOBS_TABLE.partitionKey, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('has the two sparse GSIs the store queries: byTenant (listTenant/id) and byDue (activeState/dueAt)', () => {
    const props = resource(stack.jobs.table).Properties;
    expect(props.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'byTenant',
        KeySchema: [
          { AttributeName: 'listTenant', KeyType: 'HASH' },
          { AttributeName: 'id', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: 'byDue',
        KeySchema: [
          { AttributeName: 'activeState', KeyType: 'HASH' },
          { AttributeName: 'dueAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
    expect(props.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'id', AttributeType: 'S' },
        { AttributeName: 'listTenant', AttributeType: 'S' },
        { AttributeName: 'activeState', AttributeType: 'S' },
        { AttributeName: 'dueAt', AttributeType: 'N' },
      ]),
    );
  });

  it('outside prod: no deletion protection, removed with the stack', () => {
    const table = resource(stack.jobs.table);
    expect(table.Properties.DeletionProtectionEnabled).toBe(false);
    expect(table.DeletionPolicy).toBe('Delete');
  });
});

describe('usage table', () => {
  it('is keyed as USAGE_TABLE says, on-demand, encrypted, point-in-time recoverable, with no index and no TTL', () => {
    const table = resource(stack.usage.table);
    expect(table.Properties).toMatchObject({
      KeySchema: [{ AttributeName: USAGE_TABLE.partitionKey, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: USAGE_TABLE.partitionKey, AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: false,
    });
    // a slot or budget must never expire on its own: only the store gives them back
    expect(table.Properties.TimeToLiveSpecification).toBeUndefined();
    expect(table.Properties.GlobalSecondaryIndexes).toBeUndefined();
    expect(table.DeletionPolicy).toBe('Delete');
  });
});

describe('accounts table', () => {
  it('is keyed as ACCOUNTS_TABLE says, with the keys-by-tenant index and a TTL for rate counters', () => {
    const table = resource(stack.accounts.table);
    const { keysByTenant } = ACCOUNTS_TABLE;
    expect(table.Properties).toMatchObject({
      KeySchema: [{ AttributeName: ACCOUNTS_TABLE.partitionKey, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: ACCOUNTS_TABLE.ttlAttribute, Enabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: keysByTenant.indexName,
          KeySchema: [
            { AttributeName: keysByTenant.partitionKey, KeyType: 'HASH' },
            { AttributeName: keysByTenant.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      DeletionProtectionEnabled: false,
    });
    expect(table.DeletionPolicy).toBe('Delete');
  });
});

describe('video bucket', () => {
  it('is private, SSE-encrypted, bucket-owner-enforced and kept when the stack goes', () => {
    const bucket = resource(stack.storage.bucket);
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
  });

  it('enforces TLS (1.2 or later) in its bucket policy', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(stack.storage.bucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  it('aborts stale multipart uploads after 1 day and moves videos to IA after 30 days; no expiry by default', () => {
    expect(resource(stack.storage.bucket).Properties.LifecycleConfiguration).toEqual({
      Rules: [
        {
          Id: 'abort-incomplete-multipart-uploads',
          Status: 'Enabled',
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        },
        {
          Id: 'videos',
          Prefix: 'videos/',
          Status: 'Enabled',
          Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
        },
      ],
    });
  });

  it('allows presigned GETs from the API’s own origin (the web page follows the 302)', () => {
    expect(resource(stack.storage.bucket).Properties.CorsConfiguration).toEqual({
      CorsRules: [
        {
          AllowedMethods: ['GET', 'HEAD'],
          AllowedOrigins: [getAtt(logicalId(stack.http.httpApi), 'ApiEndpoint')],
          AllowedHeaders: ['*'],
          ExposedHeaders: ['Content-Length', 'Content-Range', 'Content-Type', 'ETag'],
          MaxAge: 3600,
        },
      ],
    });
  });

  it('sends server access logs to the log bucket, which only S3 logging may write to', () => {
    const logBucket = logicalId(stack.storage.logBucket);
    expect(resource(stack.storage.bucket).Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logBucket },
      LogFilePrefix: 'videos-bucket/',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logBucket },
      PolicyDocument: {
        // arrayWith keeps order: the TLS denials come before the logging grant
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: Match.objectLike({
              ArnLike: { 'aws:SourceArn': getAtt(logicalId(stack.storage.bucket)) },
            }),
          }),
        ]),
      },
    });
    expect(resource(stack.storage.logBucket).Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LifecycleConfiguration: {
        Rules: [{ Id: 'expire-access-logs', Status: 'Enabled', ExpirationInDays: 90 }],
      },
    });
  });
});

describe('archive queue', () => {
  it('is encrypted and has a DLQ after 5 receives', () => {
    const queue = resource(stack.archive.queue).Properties;
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: getAtt(logicalId(stack.archive.deadLetterQueue)),
      maxReceiveCount: MAX_RECEIVE_COUNT,
    });
    expect(MAX_RECEIVE_COUNT).toBeGreaterThanOrEqual(5);
    expect(resource(stack.archive.deadLetterQueue).Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
  });

  it('hides a message for at least six archiver timeouts', () => {
    const archiverTimeout = propertiesOf(template, logicalId(stack.functions.archiver.function))
      .Timeout as number;
    const visibility = resource(stack.archive.queue).Properties.VisibilityTimeout as number;
    expect(visibility).toBeGreaterThanOrEqual(VISIBILITY_PER_TIMEOUT * archiverTimeout);
    expect(visibility).toBe(3_600);
  });

  it('enforces TLS on both queues', () => {
    for (const queue of [stack.archive.queue, stack.archive.deadLetterQueue]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalId(queue) }],
        PolicyDocument: {
          Statement: [
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ],
        },
      });
    }
  });
});

describe('secrets', () => {
  it('hold the placeholder "unset" (never a real value in the template) under generated names', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 3);
    for (const secret of [stack.secrets.falKey, stack.secrets.apiKeys]) {
      const props = resource(secret).Properties;
      expect(props.SecretString).toBe('unset');
      expect(props.Name).toBeUndefined();
      expect(props.GenerateSecretString).toBeUndefined();
    }
  });

  it('the webhook key is generated by Secrets Manager, so its value is never in the template', () => {
    const props = resource(stack.secrets.webhookKey).Properties;
    expect(props.SecretString).toBeUndefined();
    expect(props.GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
  });
});

describe('webhooks table', () => {
  it('is keyed as WEBHOOKS_TABLE says, with the byOwner index and a TTL for the delivery log', () => {
    expect(resource(stack.webhooks.table).Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true },
      GlobalSecondaryIndexes: [
        expect.objectContaining({
          IndexName: 'byOwner',
          KeySchema: [
            { AttributeName: 'owner', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
        }),
      ],
    });
  });
});
