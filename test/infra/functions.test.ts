import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS } from '../../functions/core/config.ts';
import { DEFAULT_POLICY } from '../../functions/core/domain/policy.ts';
import { FUNCTION_NAMES, type FunctionName } from '../../infra/bundling.ts';
import { MAX_RECEIVE_COUNT } from '../../infra/constructs/archive-queue.ts';
import type { ReelayStack } from '../../infra/reelay-stack.ts';
import { FUNCTION_SIZING } from '../../infra/sizing.ts';
import { buildStack, getAtt, type Json, logicalId, propertiesOf } from './helpers.ts';

let template: Template;
let stack: ReelayStack;

beforeAll(() => {
  ({ template, stack } = buildStack());
});

const fnId = (name: FunctionName) => logicalId(stack.functions[name].function);
const fnProps = (name: FunctionName) => propertiesOf(template, fnId(name));

/** What every function's environment holds besides its bindings. */
const COMMON_ENV = {
  POWERTOOLS_SERVICE_NAME: 'reelay',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  // EMF metrics per stage: the alarms and the dashboard read Reelay/<stage>
  POWERTOOLS_METRICS_NAMESPACE: 'Reelay/dev',
  NODE_OPTIONS: '--enable-source-maps',
};

describe('functions', () => {
  it('are exactly the seven workers of functions/', () => {
    template.resourceCountIs('AWS::Lambda::Function', 7);
  });

  it.each(FUNCTION_NAMES)('%s: ESM bundle on arm64, Node 24, X-Ray, its own log group and role', (name) => {
    const fn = stack.functions[name];
    expect(fnProps(name)).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: { Ref: logicalId(fn.logGroup) } },
      Role: getAtt(logicalId(fn.role)),
      MemorySize: FUNCTION_SIZING[name].memorySize,
      Timeout: FUNCTION_SIZING[name].timeout.toSeconds(),
    });
    expect(propertiesOf(template, logicalId(fn.logGroup))).toMatchObject({ RetentionInDays: 30 });
  });

  it('are sized per role: HTTP functions answer inside API Gateway’s 30 s, the archiver has minutes', () => {
    expect(fnProps('api')).toMatchObject({ MemorySize: 1024, Timeout: 29 });
    expect(fnProps('fal-webhook')).toMatchObject({ MemorySize: 512, Timeout: 29 });
    expect(fnProps('archiver')).toMatchObject({ MemorySize: 1024, Timeout: 600 });
    expect(fnProps('reconciler')).toMatchObject({ MemorySize: 512, Timeout: 55 });
    expect(fnProps('follow-up')).toMatchObject({ MemorySize: 512, Timeout: 300 });
    // API Gateway waits for $connect: a key lookup, a query and a write
    expect(fnProps('event-stream')).toMatchObject({ MemorySize: 256, Timeout: 10 });
  });

  it('let the archive lease, renewed while a copy runs, not the archiver’s timeout, set the recovery time', () => {
    // a worker killed by its timeout holds its job for one lease, far less than the timeout
    expect(DEFAULT_POLICY.archiveLeaseMs).toBeLessThan((fnProps('archiver').Timeout as number) * 1000);
    expect(DEFAULT_POLICY.archiveLeaseRenewMs).toBeLessThan(DEFAULT_POLICY.archiveLeaseMs / 2);
  });

  it('reserve no concurrency by default (new accounts cannot spare it); the archiver is capped at its queue', () => {
    for (const name of FUNCTION_NAMES) expect(fnProps(name).ReservedConcurrentExecutions).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });
});

describe('function environment', () => {
  const env = (name: FunctionName) => (fnProps(name).Environment as { Variables: Json }).Variables;
  const ref = (construct: Parameters<typeof logicalId>[0]) => ({ Ref: logicalId(construct) });
  const publicUrl = () => getAtt(logicalId(stack.http.httpApi), 'ApiEndpoint');

  const eventQueue = () => ({
    REELAY_EVENT_QUEUE_URL: ref(stack.events.queue),
    REELAY_EVENT_DLQ_URL: ref(stack.events.deadLetterQueue),
  });

  it('api: table, bucket, follow-up and event queues, both secrets (by ARN), the public URL, webhooks table and key', () => {
    expect(env('api')).toEqual({
      ...COMMON_ENV,
      ...eventQueue(),
      REELAY_WEBHOOKS_TABLE: ref(stack.webhooks.table),
      REELAY_WEBHOOK_SECRETS_KEY_SECRET_ID: ref(stack.secrets.webhookKey),
      REELAY_JOBS_TABLE: ref(stack.jobs.table),
      REELAY_FOLLOW_UP_QUEUE_URL: ref(stack.followUp.queue),
      REELAY_USAGE_TABLE: ref(stack.usage.table),
      REELAY_ACCOUNTS_TABLE: ref(stack.accounts.table),
      REELAY_VIDEO_BUCKET: ref(stack.storage.bucket),
      FAL_KEY_SECRET_ID: ref(stack.secrets.falKey),
      REELAY_API_KEYS_SECRET_ID: ref(stack.secrets.apiKeys),
      PUBLIC_URL: publicUrl(),
      // POST /v1/events/tokens tells clients where the stream is
      REELAY_EVENTS_URL: stack.resolve(stack.eventStream.url),
    });
  });

  it('fal-webhook: table, archive and follow-up queues, fal key, the public URL', () => {
    expect(env('fal-webhook')).toEqual({
      ...COMMON_ENV,
      ...eventQueue(),
      REELAY_JOBS_TABLE: ref(stack.jobs.table),
      REELAY_USAGE_TABLE: ref(stack.usage.table),
      REELAY_ARCHIVE_QUEUE_URL: ref(stack.archive.queue),
      REELAY_FOLLOW_UP_QUEUE_URL: ref(stack.followUp.queue),
      FAL_KEY_SECRET_ID: ref(stack.secrets.falKey),
      PUBLIC_URL: publicUrl(),
    });
  });

  it('archiver: tables, bucket, follow-up queue, fal key (to refresh an expired media URL), the queue’s receive limit', () => {
    expect(env('archiver')).toEqual({
      ...COMMON_ENV,
      ...eventQueue(),
      REELAY_JOBS_TABLE: ref(stack.jobs.table),
      REELAY_USAGE_TABLE: ref(stack.usage.table),
      REELAY_FOLLOW_UP_QUEUE_URL: ref(stack.followUp.queue),
      REELAY_VIDEO_BUCKET: ref(stack.storage.bucket),
      FAL_KEY_SECRET_ID: ref(stack.secrets.falKey),
      // the archiver says so in its log and metrics when a message's last delivery fails
      REELAY_ARCHIVE_MAX_RECEIVES: String(MAX_RECEIVE_COUNT),
    });
  });

  it('follow-up: tables, both queues, fal key (it submits), the public URL (webhook URLs)', () => {
    expect(env('follow-up')).toEqual({
      ...COMMON_ENV,
      ...eventQueue(),
      REELAY_JOBS_TABLE: ref(stack.jobs.table),
      REELAY_USAGE_TABLE: ref(stack.usage.table),
      REELAY_ACCOUNTS_TABLE: ref(stack.accounts.table),
      REELAY_ARCHIVE_QUEUE_URL: ref(stack.archive.queue),
      REELAY_FOLLOW_UP_QUEUE_URL: ref(stack.followUp.queue),
      FAL_KEY_SECRET_ID: ref(stack.secrets.falKey),
      PUBLIC_URL: publicUrl(),
    });
  });

  it('reconciler: tables, archive and follow-up queues, fal key, the public URL', () => {
    expect(env('reconciler')).toEqual({
      ...COMMON_ENV,
      ...eventQueue(),
      REELAY_JOBS_TABLE: ref(stack.jobs.table),
      REELAY_USAGE_TABLE: ref(stack.usage.table),
      REELAY_ACCOUNTS_TABLE: ref(stack.accounts.table),
      REELAY_ARCHIVE_QUEUE_URL: ref(stack.archive.queue),
      REELAY_FOLLOW_UP_QUEUE_URL: ref(stack.followUp.queue),
      FAL_KEY_SECRET_ID: ref(stack.secrets.falKey),
      PUBLIC_URL: publicUrl(),
    });
  });

  it('event-deliverer: table, webhooks table and key, event queues; no fal key', () => {
    expect(env('event-deliverer')).toEqual({
      ...COMMON_ENV,
      ...eventQueue(),
      REELAY_JOBS_TABLE: ref(stack.jobs.table),
      REELAY_WEBHOOKS_TABLE: ref(stack.webhooks.table),
      REELAY_WEBHOOK_SECRETS_KEY_SECRET_ID: ref(stack.secrets.webhookKey),
      // live events: queue positions, the tenant's streams, and where to post to them
      REELAY_USAGE_TABLE: ref(stack.usage.table),
      REELAY_CONNECTIONS_TABLE: ref(stack.connections.table),
      REELAY_EVENTS_MANAGEMENT_URL: stack.resolve(stack.eventStream.managementUrl),
    });
  });

  it('event-stream: the connections and accounts tables, the keys and webhook key secrets, the event queue; no fal key', () => {
    expect(env('event-stream')).toEqual({
      ...COMMON_ENV,
      ...eventQueue(),
      REELAY_CONNECTIONS_TABLE: ref(stack.connections.table),
      REELAY_ACCOUNTS_TABLE: ref(stack.accounts.table),
      REELAY_API_KEYS_SECRET_ID: ref(stack.secrets.apiKeys),
      REELAY_WEBHOOK_SECRETS_KEY_SECRET_ID: ref(stack.secrets.webhookKey),
      REELAY_EVENTS_MANAGEMENT_URL: stack.resolve(stack.eventStream.managementUrl),
    });
  });

  it('sets only variables functions/core/config.ts (or Powertools, Node) reads, and never a secret value', () => {
    const known = new Set([...Object.keys(SETTINGS), ...Object.keys(COMMON_ENV)]);
    for (const name of FUNCTION_NAMES) {
      for (const [key, value] of Object.entries(env(name))) {
        expect(known, `${name}: ${key}`).toContain(key);
        expect(JSON.stringify(value)).not.toMatch(/unset/);
      }
      expect(env(name).FAL_KEY).toBeUndefined();
      expect(env(name).REELAY_API_KEYS).toBeUndefined();
    }
  });
});

describe('archive event source and schedule', () => {
  it('feeds the archiver from the archive queue one message at a time, reporting item failures', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 3);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(logicalId(stack.archive.queue)),
      FunctionName: { Ref: fnId('archiver') },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(logicalId(stack.events.queue)),
      FunctionName: { Ref: fnId('event-deliverer') },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('feeds the follow-up worker from its own queue one message at a time, reporting item failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(logicalId(stack.followUp.queue)),
      FunctionName: { Ref: fnId('follow-up') },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('runs the reconciler every minute from an EventBridge rule, without retries', () => {
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({ Arn: getAtt(fnId('reconciler')), RetryPolicy: { MaximumRetryAttempts: 0 } }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'events.amazonaws.com',
      FunctionName: getAtt(fnId('reconciler')),
    });
  });
});
