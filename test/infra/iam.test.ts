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
      expect(statement.Condition).toBeUndefined();
      return {
        actions: [...asArray(statement.Action as string | string[])].sort(),
        resources: sortByJson(asArray(statement.Resource)),
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
  const falKey = () => ({ Ref: logicalId(stack.secrets.falKey) });
  const webhookKey = () => ({ Ref: logicalId(stack.secrets.webhookKey) });
  const events = () => getAtt(logicalId(stack.events.queue));
  const eventDlq = () => getAtt(logicalId(stack.events.deadLetterQueue));
  const webhooks = () => getAtt(logicalId(stack.webhooks.table));
  const byOwner = () => join(getAtt(logicalId(stack.webhooks.table)), '/index/byOwner');
  const apiKeys = () => ({ Ref: logicalId(stack.secrets.apiKeys) });
  const items = () => ({ actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [table()] });
  const usage = (...extra: string[]) => ({
    actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', ...extra].sort(),
    resources: [getAtt(logicalId(stack.usage.table))],
  });

  it('api: items, Query on byTenant and byDue, usage and accounts items, presign and delete under videos/, both secrets', () => {
    expect(statementsOf('api')).toEqual(
      expected('api', [
        items(),
        { actions: ['dynamodb:Query'], resources: [byOwner(), index('byDue'), index('byTenant')] },
        // the same two actions on both tables: CDK merges them into one statement
        {
          actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
          resources: [getAtt(logicalId(stack.usage.table)), getAtt(logicalId(stack.accounts.table))],
        },
        { actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'], resources: [webhooks()] },
        { actions: ['s3:DeleteObject', 's3:GetObject'], resources: [videos()] },
        { actions: ['secretsmanager:GetSecretValue'], resources: [apiKeys(), falKey(), webhookKey()] },
        { actions: ['sqs:SendMessage'], resources: [events()] },
      ]),
    );
  });

  it('fal-webhook: items, Query on byDue, usage items, SendMessage to the archive queue, the fal key', () => {
    expect(statementsOf('fal-webhook')).toEqual(
      expected('fal-webhook', [
        items(),
        { actions: ['dynamodb:Query'], resources: [index('byDue')] },
        usage(),
        { actions: ['sqs:SendMessage'], resources: [events(), queue()] },
        { actions: ['secretsmanager:GetSecretValue'], resources: [falKey()] },
      ]),
    );
  });

  it('archiver: items, multipart upload, read (an earlier attempt’s copy) and delete under videos/, consuming its queue, the fal key', () => {
    expect(statementsOf('archiver')).toEqual(
      expected('archiver', [
        items(),
        {
          actions: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'],
          resources: [videos()],
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
        { actions: ['sqs:SendMessage'], resources: [events()] },
        { actions: ['secretsmanager:GetSecretValue'], resources: [falKey()] },
      ]),
    );
  });

  it('reconciler: items, Query on byDue only, usage items and Scan (repair), SendMessage to the archive queue, the fal key', () => {
    expect(statementsOf('reconciler')).toEqual(
      expected('reconciler', [
        items(),
        { actions: ['dynamodb:Query'], resources: [index('byDue')] },
        usage('dynamodb:Scan'),
        { actions: ['sqs:SendMessage'], resources: [events(), queue()] },
        { actions: ['secretsmanager:GetSecretValue'], resources: [falKey()] },
      ]),
    );
  });

  it('event-deliverer: items, webhooks items and Query on byOwner, SendMessage to its queue and dead-letter queue, consuming its queue, the webhook key; no fal key', () => {
    expect(statementsOf('event-deliverer')).toEqual(
      expected('event-deliverer', [
        // jobs items and webhooks items: the same actions, merged into one statement
        { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [table(), webhooks()] },
        { actions: ['dynamodb:Query'], resources: [byOwner()] },
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
    template.resourceCountIs('AWS::IAM::Role', 5);
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
