import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES, type FunctionName } from '../../infra/bundling.ts';
import type { ReelayStack } from '../../infra/reelay-stack.ts';
import { buildStack, getAtt, type Json, logicalId } from './helpers.ts';

let template: Template;
let stack: ReelayStack;

beforeAll(() => {
  ({ template, stack } = buildStack());
});

interface Statement {
  actions: string[];
  resources: unknown[];
  condition?: Json;
}

const asArray = <T>(value: T | T[]) => (Array.isArray(value) ? value : [value]);
const sortByJson = <T>(list: T[]) =>
  [...list].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/** A role's statements in a comparable shape; asserts they are all plain Allows. */
function statementsOf(name: FunctionName): Statement[] {
  const roleId = logicalId(stack.functions[name].role);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as Json[]).some((role) => role.Ref === roleId),
  );
  expect(policies).toHaveLength(1);
  const statements = policies[0]?.Properties.PolicyDocument.Statement as Json[];
  return sortByJson(
    statements.map((statement) => {
      expect(statement.Effect).toBe('Allow');
      return {
        actions: [...asArray(statement.Action as string | string[])].sort(),
        resources: sortByJson(asArray(statement.Resource)),
        ...(statement.Condition !== undefined && { condition: statement.Condition as Json }),
      };
    }),
  );
}

const join = (base: unknown, suffix: string) => ({ 'Fn::Join': ['', [base, suffix]] });

function expected(name: FunctionName, grants: Statement[]): Statement[] {
  const fn = stack.functions[name];
  return sortByJson([
    // every function: its own log group and X-Ray
    { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [getAtt(logicalId(fn.logGroup))] },
    { actions: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], resources: ['*'] },
    ...grants,
  ]).map((statement) => ({ ...statement, resources: sortByJson(statement.resources) }));
}

describe('least privilege: each function role holds exactly these statements', () => {
  const table = () => getAtt(logicalId(stack.jobs.table));
  const index = (name: string) => join(getAtt(logicalId(stack.jobs.table)), `/index/${name}`);
  const videos = () => join(getAtt(logicalId(stack.storage.bucket)), '/videos/*');
  const queue = () => getAtt(logicalId(stack.archive.queue));
  const followUps = () => getAtt(logicalId(stack.followUp.queue));
  const falKey = () => ({ Ref: logicalId(stack.secrets.falKey) });
  const webhookKey = () => ({ Ref: logicalId(stack.secrets.webhookKey) });
  const events = () => getAtt(logicalId(stack.events.queue));
  const eventDlq = () => getAtt(logicalId(stack.events.deadLetterQueue));
  const webhooks = () => getAtt(logicalId(stack.webhooks.table));
  const byOwner = () => join(getAtt(logicalId(stack.webhooks.table)), '/index/byOwner');
  const apiKeys = () => ({ Ref: logicalId(stack.secrets.apiKeys) });
  const connections = () => getAtt(logicalId(stack.connections.table));
  const connectionsByTenant = () => join(connections(), '/index/byTenant');
  // one method on this API's stage's connections only
  const manageConnections = (method = 'POST') => ({
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':execute-api:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        ':',
        { Ref: logicalId(stack.eventStream.api) },
        `/dev/${method}/@connections/*`,
      ],
    ],
  });
  // UpdateItem: statistics counters, added to wherever a job ends; the API also reads them (BatchGetItem)
  const items = (...extra: string[]) => ({
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', ...extra].sort(),
    resources: [table()],
  });
  const accountsGet = () => ({
    actions: ['dynamodb:GetItem'],
    resources: [getAtt(logicalId(stack.accounts.table))],
  });
  const usage = (...extra: string[]) => ({
    actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', ...extra].sort(),
    resources: [getAtt(logicalId(stack.usage.table))],
  });

  it('api: items, Query on byTenant and the webhooks’ byOwner, usage and accounts items, webhooks items, presign and delete under videos/, SendMessage to the follow-up and event queues, three secrets', () => {
    expect(statementsOf('api')).toEqual(
      expected('api', [
        items('dynamodb:BatchGetItem'),
        // no byDue: a delete or create never looks for other tenants' waiting jobs (the follow-up worker does)
        { actions: ['dynamodb:Query'], resources: [byOwner(), index('byTenant')] },
        { actions: ['sqs:SendMessage'], resources: [events(), followUps()] },
        // the same two actions on both tables: CDK merges them into one statement
        {
          actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
          resources: [getAtt(logicalId(stack.usage.table)), getAtt(logicalId(stack.accounts.table))],
        },
        { actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'], resources: [webhooks()] },
        { actions: ['s3:DeleteObject', 's3:GetObject'], resources: [videos()] },
        { actions: ['secretsmanager:GetSecretValue'], resources: [apiKeys(), falKey(), webhookKey()] },
      ]),
    );
  });

  it('fal-webhook: items, usage items, SendMessage to the archive and follow-up queues, the fal key', () => {
    expect(statementsOf('fal-webhook')).toEqual(
      expected('fal-webhook', [
        items(),
        usage(),
        { actions: ['sqs:SendMessage'], resources: [events(), queue(), followUps()] },
        { actions: ['secretsmanager:GetSecretValue'], resources: [falKey()] },
      ]),
    );
  });

  it('archiver: items, usage items (cost settled), multipart upload, read (an earlier attempt’s copy) and delete under videos/, listing under videos/ (a HEAD of a missing key is then 404, not 403), consuming its queue, SendMessage to follow-ups, the fal key', () => {
    expect(statementsOf('archiver')).toEqual(
      expected('archiver', [
        items(),
        usage(),
        { actions: ['sqs:SendMessage'], resources: [events(), followUps()] },
        {
          actions: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'],
          resources: [videos()],
        },
        {
          actions: ['s3:ListBucket'],
          resources: [getAtt(logicalId(stack.storage.bucket))],
          condition: { StringLike: { 's3:prefix': 'videos/*' } },
        },
        {
          // added by the SQS event source: what the event source mapping does on the function's behalf
          actions: [
            'sqs:ChangeMessageVisibility',
            'sqs:DeleteMessage',
            'sqs:GetQueueAttributes',
            'sqs:GetQueueUrl',
            'sqs:ReceiveMessage',
          ],
          resources: [queue()],
        },
        { actions: ['secretsmanager:GetSecretValue'], resources: [falKey()] },
      ]),
    );
  });

  it('reconciler: items, Query on byDue only, usage items, the pool’s shards in one batch and Scan (repair), a tenant’s limits (a dearer fallback), SendMessage to both queues, the fal key', () => {
    expect(statementsOf('reconciler')).toEqual(
      expected('reconciler', [
        items(),
        { actions: ['dynamodb:Query'], resources: [index('byDue')] },
        usage('dynamodb:BatchGetItem', 'dynamodb:Scan'),
        accountsGet(),
        { actions: ['sqs:SendMessage'], resources: [events(), queue(), followUps()] },
        { actions: ['secretsmanager:GetSecretValue'], resources: [falKey()] },
      ]),
    );
  });

  it('follow-up: items, Query on byDue, usage items and the pool’s shards in one batch, a tenant’s limits (a dearer fallback), SendMessage to the three queues, consuming its own, the fal key', () => {
    expect(statementsOf('follow-up')).toEqual(
      expected('follow-up', [
        items(),
        { actions: ['dynamodb:Query'], resources: [index('byDue')] },
        usage('dynamodb:BatchGetItem'),
        accountsGet(),
        { actions: ['sqs:SendMessage'], resources: [events(), queue(), followUps()] },
        {
          actions: [
            'sqs:ChangeMessageVisibility',
            'sqs:DeleteMessage',
            'sqs:GetQueueAttributes',
            'sqs:GetQueueUrl',
            'sqs:ReceiveMessage',
          ],
          resources: [followUps()],
        },
        { actions: ['secretsmanager:GetSecretValue'], resources: [falKey()] },
      ]),
    );
  });

  it('event-deliverer: items, webhooks items and Query on byOwner, SendMessage to its queue and dead-letter queue, consuming its queue, the webhook key; no fal key', () => {
    expect(statementsOf('event-deliverer')).toEqual(
      expected('event-deliverer', [
        // jobs items and webhooks items: the same actions, merged into one statement
        { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [table(), webhooks()] },
        // a greeting lists the tenant's videos; live events go to the tenant's streams (a gone one is dropped)
        { actions: ['dynamodb:Query'], resources: [byOwner(), index('byTenant'), connectionsByTenant()] },
        { actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem'], resources: [connections()] },
        { actions: ['dynamodb:GetItem'], resources: [getAtt(logicalId(stack.usage.table))] },
        {
          actions: ['execute-api:ManageConnections'],
          resources: [manageConnections()],
        },
        { actions: ['sqs:SendMessage'], resources: [eventDlq(), events()] },
        {
          actions: [
            'sqs:ChangeMessageVisibility',
            'sqs:DeleteMessage',
            'sqs:GetQueueAttributes',
            'sqs:GetQueueUrl',
            'sqs:ReceiveMessage',
          ],
          resources: [events()],
        },
        { actions: ['secretsmanager:GetSecretValue'], resources: [webhookKey()] },
      ]),
    );
  });

  it('event-stream: its connections items and Query on byTenant, key lookups, the keys and webhook key secrets, SendMessage to the event queue; no fal key', () => {
    expect(statementsOf('event-stream')).toEqual(
      expected('event-stream', [
        { actions: ['dynamodb:DeleteItem', 'dynamodb:PutItem'], resources: [connections()] },
        { actions: ['dynamodb:Query'], resources: [connectionsByTenant()] },
        {
          actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
          resources: [getAtt(logicalId(stack.accounts.table))],
        },
        { actions: ['secretsmanager:GetSecretValue'], resources: [apiKeys(), webhookKey()] },
        { actions: ['sqs:SendMessage'], resources: [events()] },
        { actions: ['execute-api:ManageConnections'], resources: [manageConnections('GET')] },
      ]),
    );
  });

  it('conditions only the archiver’s ListBucket (to the videos/ prefix)', () => {
    for (const name of FUNCTION_NAMES) {
      const conditioned = statementsOf(name).filter((statement) => statement.condition !== undefined);
      expect(conditioned.map((statement) => statement.actions)).toEqual(
        name === 'archiver' ? [['s3:ListBucket']] : [],
      );
    }
  });

  it('uses Resource "*" only for the X-Ray actions, which have no resource-level permissions', () => {
    for (const name of FUNCTION_NAMES) {
      const wildcards = statementsOf(name).filter((statement) => statement.resources.includes('*'));
      expect(wildcards.flatMap((statement) => statement.actions)).toEqual([
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    }
  });
});

describe('function roles', () => {
  it('are one per function, assumable by Lambda only, with no AWS managed policies', () => {
    template.resourceCountIs('AWS::IAM::Role', FUNCTION_NAMES.length);
    for (const name of FUNCTION_NAMES) {
      const role = template.toJSON().Resources[logicalId(stack.functions[name].role)].Properties;
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ]);
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(role.Policies).toBeUndefined();
    }
  });
});
