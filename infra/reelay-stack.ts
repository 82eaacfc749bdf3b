import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import { JOBS_TABLE } from '../functions/core/store/dynamodb/jobs-table.ts';
import { WEBHOOKS_TABLE } from '../functions/core/store/dynamodb/webhooks-table.ts';
import type { FunctionName } from './bundling.ts';
import type { ReelayConfig } from './config.ts';
import { AccountsTable } from './constructs/accounts-table.ts';
import { ArchiveQueue, MAX_RECEIVE_COUNT, WorkerQueue } from './constructs/archive-queue.ts';
import { ConnectionsTable } from './constructs/connections-table.ts';
import { EventQueue } from './constructs/event-queue.ts';
import { EventStreamApi } from './constructs/event-stream-api.ts';
import { ReelayHttpApi } from './constructs/http-api.ts';
import { JobsTable } from './constructs/jobs-table.ts';
import { OperationsAlarms } from './constructs/operations-alarms.ts';
import { OperationsDashboard } from './constructs/operations-dashboard.ts';
import { ReelayFunction } from './constructs/reelay-function.ts';
import { ReelayMetrics } from './constructs/reelay-metrics.ts';
import { ReelaySecrets } from './constructs/reelay-secrets.ts';
import { UsageTable } from './constructs/usage-table.ts';
import { VideoStorage } from './constructs/video-storage.ts';
import { WebhooksTable } from './constructs/webhooks-table.ts';
import { SERVICE_SETTING_KEYS, SERVICE_SETTINGS } from './service-settings.ts';
import { FUNCTION_SIZING } from './sizing.ts';

export const NO_ALARM_EMAIL_WARNING =
  'alarmEmail is empty: alarms (and budget warnings) go to the SNS topic in the AlarmTopicArn output, which nobody is subscribed to. Deploy with -c alarmEmail=ops@example.com, or subscribe to the topic yourself (docs/operations.md).';

/** Where the functions' own metrics go (functions/core/metrics/metrics.ts). */
export const metricsNamespace = (stage: string) => `Reelay/${stage}`;

/** The alarm topic's name; the budget stack addresses the topic by it. */
export const alarmTopicName = (stage: string) => `reelay-${stage}-alarms`;

export interface ReelayStackProps extends StackProps {
  config: ReelayConfig;
}

/** Reelay on AWS: the HTTP API, four functions, the jobs table, the video bucket, the archive queue, alarms. */
export class ReelayStack extends Stack {
  readonly http: ReelayHttpApi;
  readonly jobs: JobsTable;
  readonly usage: UsageTable;
  readonly accounts: AccountsTable;
  readonly storage: VideoStorage;
  readonly secrets: ReelaySecrets;
  readonly archive: ArchiveQueue;
  readonly followUp: WorkerQueue;
  readonly events: EventQueue;
  readonly webhooks: WebhooksTable;
  readonly connections: ConnectionsTable;
  readonly eventStream: EventStreamApi;
  readonly functions: Record<FunctionName, ReelayFunction>;
  readonly alarms: OperationsAlarms;
  readonly dashboard: OperationsDashboard;

  constructor(scope: Construct, id: string, props: ReelayStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // the API resource comes first: PUBLIC_URL and the bucket's CORS need its endpoint, and it needs nothing back
    const http = new ReelayHttpApi(this, 'Http', {
      stage: config.stage,
      rateLimit: config.apiRateLimit,
      burstLimit: config.apiBurstLimit,
      webhookRateLimit: config.webhookRateLimit,
      webhookBurstLimit: config.webhookBurstLimit,
      allowedOrigins: config.allowedOrigins,
      logRetention: config.logRetention,
      removalPolicy,
      customDomain: config.customDomain,
    });
    this.http = http;
    this.jobs = new JobsTable(this, 'Jobs', { production: config.production });
    const { table } = this.jobs;
    this.usage = new UsageTable(this, 'Usage', { production: config.production });
    const usage = this.usage.table;
    this.accounts = new AccountsTable(this, 'Accounts', { production: config.production });
    this.storage = new VideoStorage(this, 'Storage', {
      corsOrigins: [http.publicUrl, ...config.allowedOrigins],
      videoRetentionDays: config.videoRetentionDays,
    });
    const { bucket } = this.storage;
    this.secrets = new ReelaySecrets(this, 'Secrets', { removalPolicy });
    this.archive = new ArchiveQueue(this, 'Archive', { consumerTimeout: FUNCTION_SIZING.archiver.timeout });
    const { queue } = this.archive;
    this.followUp = new WorkerQueue(this, 'FollowUpQueue', {
      consumerTimeout: FUNCTION_SIZING['follow-up'].timeout,
    });
    const followUps = this.followUp.queue;
    this.events = new EventQueue(this, 'Events', {
      consumerTimeout: FUNCTION_SIZING['event-deliverer'].timeout,
    });
    const events = this.events;
    this.webhooks = new WebhooksTable(this, 'Webhooks', { production: config.production });
    const webhooksTable = this.webhooks.table;
    const byOwner = [WEBHOOKS_TABLE.byOwner.indexName];

    const bare = (name: FunctionName, id: string, reservedConcurrency?: number) =>
      new ReelayFunction(this, id, {
        name,
        ...FUNCTION_SIZING[name],
        logRetention: config.logRetention,
        removalPolicy,
        logLevel: config.logLevel,
        metricsNamespace: metricsNamespace(config.stage),
        // opt-in: reserving needs 100 unreserved executions left, which new accounts do not have
        reservedConcurrency: config.reserveConcurrency ? reservedConcurrency : undefined,
      });
    const fn = (name: FunctionName, id: string, reservedConcurrency?: number) =>
      bare(name, id, reservedConcurrency).bindSecret(this.secrets.falKey, 'FAL_KEY_SECRET_ID');

    const api = fn('api', 'Api')
      // UpdateItem: statistics counters (a delete ends a job, feedback adds ratings); BatchGetItem reads them
      .bindJobsTable(
        table,
        ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem'],
        [JOBS_TABLE.byTenant.indexName],
      )
      .bindUsageTable(usage, ['dynamodb:GetItem', 'dynamodb:UpdateItem'])
      .bindFollowUpQueue(followUps)
      // keys and tenants by their key; rate counters and last use are UpdateItems (the admin CLI writes the rest)
      .bindAccountsTable(this.accounts.table, ['dynamodb:GetItem', 'dynamodb:UpdateItem'])
      .bindVideoBucket(bucket, ['s3:GetObject', 's3:DeleteObject'])
      .bindSecret(this.secrets.apiKeys, 'REELAY_API_KEYS_SECRET_ID')
      // webhook endpoints and the callback secret: created, read, rotated and deleted here; `test` signs and sends
      .bindWebhooksTable(
        webhooksTable,
        ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
        byOwner,
      )
      .bindSecret(this.secrets.webhookKey, 'REELAY_WEBHOOK_SECRETS_KEY_SECRET_ID')
      // a create that fails at once, or a delete that cancels, ends a job: its event is announced
      .bindEventQueue(events.queue, events.deadLetterQueue)
      .setEnv('PUBLIC_URL', http.publicUrl);
    if (config.videoRetentionDays !== undefined)
      api.setEnv('REELAY_VIDEO_RETENTION_DAYS', String(config.videoRetentionDays));

    // a webhook that ends a job gives its slot back (the usage table) and tells the follow-up worker
    const webhook = fn('fal-webhook', 'FalWebhook')
      // UpdateItem: a job that ends adds to the statistics counters
      .bindJobsTable(table, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'])
      .bindUsageTable(usage, ['dynamodb:GetItem', 'dynamodb:UpdateItem'])
      .bindArchiveQueue(queue)
      .bindFollowUpQueue(followUps)
      .bindEventQueue(events.queue, events.deadLetterQueue)
      .setEnv('PUBLIC_URL', http.publicUrl);

    // the work requests find for other jobs: byDue finds the longest waiters; a fallback model that
    // costs more reads the tenant's budget limits (the accounts table)
    const followUp = fn('follow-up', 'FollowUp')
      .bindJobsTable(
        table,
        ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        [JOBS_TABLE.byDue.indexName],
      )
      .bindAccountsTable(this.accounts.table, ['dynamodb:GetItem'])
      // BatchGetItem: the deployment's pool is read shard by shard in one batch (pump-any)
      .bindUsageTable(usage, ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem'])
      .bindArchiveQueue(queue)
      .bindFollowUpQueue(followUps)
      // a job it ends (a fallback none can take, a refused submit) announces its event
      .bindEventQueue(events.queue, events.deadLetterQueue)
      .setEnv('PUBLIC_URL', http.publicUrl);
    followUp.function.addEventSource(
      new SqsEventSource(followUps, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: 2 }),
    );

    const archiver = fn('archiver', 'Archiver', config.archiverConcurrency)
      .bindJobsTable(table, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'])
      // GetObject (and so HEAD): a retry looks for a copy an attempt that died had finished;
      // ListBucket under videos/ makes S3 answer that HEAD with 404, not 403, when there is none
      .bindVideoBucket(
        bucket,
        ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'],
        { listVideos: true },
      )
      // a completed job's budget is settled on what fal billed (the usage table); it frees no slot, but
      // settles as every step does (the follow-up queue)
      .bindUsageTable(usage, ['dynamodb:GetItem', 'dynamodb:UpdateItem'])
      .bindFollowUpQueue(followUps)
      .bindEventQueue(events.queue, events.deadLetterQueue)
      .setEnv('REELAY_ARCHIVE_MAX_RECEIVES', String(MAX_RECEIVE_COUNT));
    archiver.function.addEventSource(
      new SqsEventSource(queue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        // caps parallel downloads and uploads without reserving account concurrency
        maxConcurrency: config.archiverConcurrency,
      }),
    );

    // one pass at a time is enough; overlapping passes are safe (every transition is conditional)
    const reconciler = fn('reconciler', 'Reconciler', 1)
      .bindJobsTable(
        table,
        ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        [JOBS_TABLE.byDue.indexName],
      )
      .bindUsageTable(usage, [
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Scan',
      ])
      // a submit fal keeps refusing may move the job to a dearer fallback model (the tenant's budget)
      .bindAccountsTable(this.accounts.table, ['dynamodb:GetItem'])
      .bindArchiveQueue(queue)
      .bindFollowUpQueue(followUps)
      // the outbox pass re-sends events whose delivery is due (found on byDue)
      .bindEventQueue(events.queue, events.deadLetterQueue)
      .setEnv('PUBLIC_URL', http.publicUrl);

    // egress to receivers on the internet is its purpose: no VPC, so receivers see Lambda's public addresses
    // the one function that never talks to fal: no fal key
    // the live event stream: API Gateway holds the WebSocket connections, $connect records them
    this.connections = new ConnectionsTable(this, 'Connections');
    const connections = this.connections.table;
    const stream = bare('event-stream', 'EventStream')
      .bindConnectionsTable(connections, ['dynamodb:PutItem', 'dynamodb:DeleteItem'])
      // a key is looked up as the API looks it up (by its hash; its last use is touched)
      .bindAccountsTable(this.accounts.table, ['dynamodb:GetItem', 'dynamodb:UpdateItem'])
      .bindSecret(this.secrets.apiKeys, 'REELAY_API_KEYS_SECRET_ID')
      // tokens are sealed with the key that seals webhook secrets
      .bindSecret(this.secrets.webhookKey, 'REELAY_WEBHOOK_SECRETS_KEY_SECRET_ID')
      // the greeting (the tenant's unfinished videos) is the deliverer's to send
      .bindEventQueue(events.queue, events.deadLetterQueue);
    this.eventStream = new EventStreamApi(this, 'EventStreamApi', {
      stage: config.stage,
      handler: stream.function,
      rateLimit: config.apiRateLimit,
      burstLimit: config.apiBurstLimit,
      logRetention: config.logRetention,
      removalPolicy,
    });
    api.setEnv('REELAY_EVENTS_URL', this.eventStream.url);
    stream.setEnv('REELAY_EVENTS_MANAGEMENT_URL', this.eventStream.managementUrl);
    this.eventStream.grantManageConnections(stream.function, 'GET');

    const deliverer = bare('event-deliverer', 'EventDeliverer')
      // a greeting lists the tenant's videos (byTenant)
      .bindJobsTable(table, ['dynamodb:GetItem', 'dynamodb:PutItem'], [JOBS_TABLE.byTenant.indexName])
      // endpoints (read, health written back), callback secrets (made on first use), the delivery log
      .bindWebhooksTable(webhooksTable, ['dynamodb:GetItem', 'dynamodb:PutItem'], byOwner)
      .bindSecret(this.secrets.webhookKey, 'REELAY_WEBHOOK_SECRETS_KEY_SECRET_ID')
      .bindEventQueue(events.queue, events.deadLetterQueue, true)
      // live events carry queue positions (the usage table) and go to the tenant's streams
      .bindUsageTable(usage, ['dynamodb:GetItem'])
      .bindConnectionsTable(connections, ['dynamodb:GetItem', 'dynamodb:DeleteItem'])
      .setEnv('REELAY_EVENTS_MANAGEMENT_URL', this.eventStream.managementUrl);
    this.eventStream.grantManageConnections(deliverer.function, 'POST');
    deliverer.function.addEventSource(
      // two at a time leaves a new account's 10 concurrent executions room (docs/deploy.md says how to raise it)
      new SqsEventSource(events.queue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: 2 }),
    );
    new Rule(this, 'ReconcileSchedule', {
      description: 'Reelay: drive lost webhooks, stuck archives, queued jobs and timeouts on',
      schedule: Schedule.rate(Duration.minutes(1)),
      // a missed pass is simply the next minute's work
      targets: [new LambdaFunction(reconciler.function, { retryAttempts: 0 })],
    });

    http.routeApi(api.function);
    http.routeWebhook(webhook.function);
    this.functions = {
      api,
      'fal-webhook': webhook,
      archiver,
      'follow-up': followUp,
      'event-deliverer': deliverer,
      reconciler,
      'event-stream': stream,
    };
    for (const key of SERVICE_SETTING_KEYS) {
      const value = config.serviceSettings[key];
      if (value === undefined) continue;
      const setting = SERVICE_SETTINGS[key];
      for (const name of setting.functions) this.functions[name].setEnv(setting.env, value);
    }

    const metrics = new ReelayMetrics(metricsNamespace(config.stage));
    this.alarms = new OperationsAlarms(this, 'Alarms', {
      topicName: alarmTopicName(config.stage),
      alarmEmail: config.alarmEmail,
      functions: Object.values(this.functions),
      archiveQueue: this.archive,
      eventQueue: this.events,
      followUpQueue: this.followUp,
      httpApi: http.httpApi,
      metrics,
    });
    this.dashboard = new OperationsDashboard(this, 'Dashboard', {
      dashboardName: `reelay-${config.stage}`,
      metrics,
      alarms: this.alarms.alarms,
      functions: Object.values(this.functions),
      archiveQueue: this.archive,
      httpApi: http.httpApi,
    });
    if (!config.alarmEmail) {
      // synth and deploy print this; `--strict` turns it into a failure for pipelines that want one
      Annotations.of(this.alarms).addWarningV2('reelay:no-alarm-email', NO_ALARM_EMAIL_WARNING);
    }
    // the budget itself lives in its own stack (infra/budget-stack.ts); it publishes here
    if (config.monthlyBudgetUsd !== undefined) this.alarms.allowBudgets();
    this.addOutputs();
  }

  private addOutputs(): void {
    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    const { http, storage, archive, secrets } = this;
    output('ApiUrl', http.publicUrl, 'Base URL: the openai SDK baseURL is this plus /v1');
    output('WebhookUrl', `${http.publicUrl}/webhooks/fal`, 'Where fal delivers results');
    if (http.domainName)
      output('CustomDomainTarget', http.domainName.regionalDomainName, 'Point a CNAME (or alias) here');
    output('VideoBucketName', storage.bucket.bucketName, 'Archived videos (videos/<tenant>/<id>.mp4)');
    output('AccessLogBucketName', storage.logBucket.bucketName, 'S3 server access logs of the video bucket');
    output('JobsTableName', this.jobs.table.tableName, 'DynamoDB jobs table');
    output('UsageTableName', this.usage.table.tableName, 'DynamoDB usage table: slots, queues, daily spend');
    output(
      'AccountsTableName',
      this.accounts.table.tableName,
      'DynamoDB accounts table: tenants, API keys, rate counters (npm run admin -- --table <this>)',
    );
    output('ArchiveQueueUrl', archive.queue.queueUrl, 'SQS archive queue');
    output(
      'ArchiveDeadLetterQueueUrl',
      archive.deadLetterQueue.queueUrl,
      'Archive messages that failed 5 times',
    );
    output(
      'ArchiveDeadLetterQueueArn',
      archive.deadLetterQueue.queueArn,
      'npm run redrive -- --dlq-arn <this> moves dead letters back to the archive queue',
    );
    output(
      'EventQueueArn',
      this.events.queue.queueArn,
      'SQS client event (webhook) queue: the --to-arn of a redrive',
    );
    output(
      'EventDeadLetterQueueArn',
      this.events.deadLetterQueue.queueArn,
      'Events a receiver never accepted: npm run redrive -- --dlq-arn <this> --to-arn <EventQueueArn>',
    );
    output(
      'WebhooksTableName',
      this.webhooks.table.tableName,
      'DynamoDB webhooks table: endpoints, callback secrets, deliveries',
    );
    output('EventStreamUrl', this.eventStream.url, 'GET /v1/events: the wss:// URL of the live event stream');
    output(
      'ConnectionsTableName',
      this.connections.table.tableName,
      'DynamoDB connections table: open event streams',
    );
    output('FalKeySecretName', secrets.falKey.secretName, 'Put the fal key here');
    output('ApiKeysSecretName', secrets.apiKeys.secretName, 'Put client API keys here (tenant:key,…)');
    output('AlarmTopicArn', this.alarms.topic.topicArn, 'Subscribe to receive alarms and budget warnings');
    output(
      'DashboardUrl',
      `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${this.dashboard.dashboard.dashboardName}`,
      'The CloudWatch dashboard: the pipeline at a glance (docs/operations.md)',
    );
  }
}
