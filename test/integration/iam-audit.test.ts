import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeps } from '../../functions/core/wiring.ts';
import { FUNCTION_NAMES, type FunctionName } from '../../infra/bundling.ts';
import type { ReelayStack } from '../../infra/reelay-stack.ts';
import { buildStack, type Json, logicalId } from '../infra/helpers.ts';
import { type AwsCall, recordingClients } from '../support/aws-calls.ts';
import { openStream, streamsRecorded } from '../support/event-stream-client.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

/**
 * Every AWS call each function makes, run the way the local stack runs it (each function with its
 * own clients, as each Lambda has its own role), checked against that function's role in the
 * synthesized template. A code path that needs a permission its role lacks fails here, before AWS
 * answers AccessDenied in production.
 */
const calls: Record<FunctionName, AwsCall[]> = {
  api: [],
  'fal-webhook': [],
  archiver: [],
  'follow-up': [],
  'event-deliverer': [],
  reconciler: [],
  'event-stream': [],
};
let stack: TestStack;
let infra: ReelayStack;
let template: ReturnType<typeof buildStack>['template'];

beforeAll(async () => {
  ({ stack: infra, template } = buildStack());
  stack = await startTestStack({
    // one job at a time per tenant: the second waits, and whoever frees the slot submits it
    env: { REELAY_DEFAULT_MAX_ACTIVE_JOBS: '1' },
    depsFor: (fn, shared) => {
      const record = (call: AwsCall) => calls[fn].push(call);
      const { config } = shared;
      return buildDeps(
        config,
        {
          now: shared.now,
          // the local queue is in-process: what SQS would see is a SendMessage per enqueue
          archiveQueue: {
            enqueue: (jobId) => {
              record({ action: 'sqs:SendMessage', resource: 'queue/archive' });
              return shared.archiveQueue.enqueue(jobId);
            },
          },
          eventQueue: {
            enqueue: (jobId, delayMs) => {
              record({ action: 'sqs:SendMessage', resource: 'queue/events' });
              return shared.eventQueue.enqueue(jobId, delayMs);
            },
            deadLetter: (jobId) => shared.eventQueue.deadLetter(jobId),
            greet: (connectionId: string, delayMs?: number) => {
              record({ action: 'sqs:SendMessage', resource: 'queue/events' });
              return shared.eventQueue.greet(connectionId, delayMs);
            },
          },
          followUps: {
            send: (message) => {
              record({ action: 'sqs:SendMessage', resource: 'queue/follow-up' });
              return shared.followUps.send(message);
            },
          },
        },
        recordingClients(config, record),
      );
    },
  });
});
afterAll(() => stack?.close());

interface Grant {
  actions: string[];
  resources: string[];
  prefix?: string;
}

/** The function's role, with CloudFormation references turned into the names the local stack uses. */
function grantsOf(fn: FunctionName): Grant[] {
  const { config } = stack.deps;
  const names: Array<[string, string]> = [
    [logicalId(infra.jobs.table), `table/${config.jobsTable}`],
    [logicalId(infra.usage.table), `table/${config.usageTable}`],
    [logicalId(infra.accounts.table), `table/${config.accountsTable}`],
    [logicalId(infra.storage.bucket), `bucket/${config.videoBucket}`],
    [logicalId(infra.archive.queue), 'queue/archive'],
    [logicalId(infra.followUp.queue), 'queue/follow-up'],
    [logicalId(infra.events.queue), 'queue/events'],
    [logicalId(infra.webhooks.table), `table/${config.webhooks.table}`],
    [logicalId(infra.connections.table), `table/${config.events.connectionsTable}`],
  ];
  const resolve = (resource: unknown) => {
    const json = JSON.stringify(resource);
    const found = names.find(([id]) => json.includes(`"${id}"`));
    if (!found) return json;
    // Fn::Join [arn, '/index/byDue'] or [arn, '/videos/*']
    return found[1] + (/"(\/[^"]*)"/.exec(json)?.[1] ?? '');
  };
  const roleId = logicalId(infra.functions[fn].role);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as Json[]).some((role) => role.Ref === roleId),
  );
  return policies.flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as Json[]).map((statement) => {
      const list = <T>(value: T | T[]) => (Array.isArray(value) ? value : [value]);
      const condition = statement.Condition as { StringLike?: { 's3:prefix'?: string } } | undefined;
      return {
        actions: list(statement.Action as string | string[]),
        resources: list(statement.Resource).map(resolve),
        prefix: condition?.StringLike?.['s3:prefix'],
      };
    }),
  );
}

const glob = (pattern: string, value: string) =>
  pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : pattern === value;

/** The calls of `fn` no statement of its role allows, each once. */
function denied(fn: FunctionName): string[] {
  const grants = grantsOf(fn);
  const allowed = (call: AwsCall) =>
    grants.some(
      (grant) =>
        grant.actions.includes(call.action) &&
        grant.resources.some((resource) => glob(resource, call.resource)) &&
        (grant.prefix === undefined || glob(grant.prefix, call.prefix ?? '')),
    );
  return [...new Set(calls[fn].filter((call) => !allowed(call)).map((c) => `${c.action} on ${c.resource}`))];
}

async function removeRecordedCap(tenant: string): Promise<void> {
  const { config } = stack.deps;
  const client = new DynamoDBClient({
    region: config.region,
    endpoint: config.endpoints.dynamodb,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await client.send(
    new UpdateItemCommand({
      TableName: config.usageTable,
      Key: { pk: { S: `tenant#${tenant}` } },
      UpdateExpression: 'REMOVE maxActive',
    }),
  );
  client.destroy();
}

describe('each function’s AWS calls are allowed by its role', () => {
  it('across the life of videos: create, wait for a slot, webhook, archive (with a retry), read, delete, reconcile', async () => {
    // a live stream is open throughout: $connect, the greeting and every event's post to it
    const live = await openStream(stack);
    await streamsRecorded(stack, 'local', 1);
    stack.emulator?.setGenerationMs(1_500);
    const first = await stack.createVideo({ prompt: 'first of two', seconds: '4' });
    const second = await stack.createVideo({ prompt: 'waits for the first [fal:cdn_500]', seconds: '4' });
    // a pool from before caps were recorded: the one who frees the slot must pump without reading tenants
    await removeRecordedCap('local');
    expect((await stack.job(second.id)).waitingSince).toBeDefined();
    stack.emulator?.setGenerationMs(150);
    await stack.settle(first.id);
    await stack.settle(second.id);
    expect((await stack.job(second.id)).state).toBe('completed');

    // a lost webhook: the reconciler asks fal, and finishes the job through the same code
    const lost = await stack.createVideo({ prompt: 'lost webhook [fal:drop_webhook]', seconds: '4' });
    const submitted = await stack.waitForJob(lost.id, ['submitted']);
    stack.advance(submitted.typicalGenerationMs + stack.deps.policy.webhookGraceMs + 1);
    await stack.reconcile();
    await stack.settle(lost.id);

    expect((await stack.api(`/v1/videos/${first.id}/content`)).status).toBe(302);
    expect((await stack.api('/v1/videos?limit=5')).status).toBe(200);
    expect((await stack.api(`/v1/videos/${first.id}`, { method: 'DELETE' })).status).toBe(200);
    await stack.reconcile();

    live.close();
    await live.closed;
    // the recorder saw each function at work (so the check below is about something)
    const seen = (fn: FunctionName) => new Set(calls[fn].map((call) => call.action));
    expect([...seen('api')]).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:Query', 's3:GetObject']),
    );
    expect([...seen('fal-webhook')]).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'sqs:SendMessage']),
    );
    expect([...seen('archiver')]).toEqual(expect.arrayContaining(['s3:PutObject', 's3:GetObject']));
    // the freed slot's hand-off to the waiting job ran in the follow-up worker
    expect([...seen('follow-up')]).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem']),
    );
    expect([...seen('reconciler')]).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:Scan']));
    expect([...seen('event-stream')]).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:Query', 'sqs:SendMessage']),
    );
    expect(live.events.some((event) => event.type === 'video.completed')).toBe(true);

    for (const fn of FUNCTION_NAMES) expect(denied(fn), fn).toEqual([]);
  });
});
