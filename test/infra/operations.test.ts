import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../infra/bundling.ts';
import { FAILURE_CODE_ALARMS } from '../../infra/constructs/operations-alarms.ts';
import type { ReelayStack } from '../../infra/reelay-stack.ts';
import { buildStack, getAtt, type Json, logicalId } from './helpers.ts';

let template: Template;
let stack: ReelayStack;

beforeAll(() => {
  ({ template, stack } = buildStack());
});

const alarms = () =>
  Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties as Json);
const alarmOn = (metric: string, dimension: Json) =>
  alarms().filter(
    (a) => a.MetricName === metric && JSON.stringify(a.Dimensions) === JSON.stringify([dimension]),
  );

describe('alarms', () => {
  it('all publish to the alarm topic and treat missing data as fine', () => {
    const topic = { Ref: logicalId(stack.alarms.topic) };
    const pipeline = Object.keys(FAILURE_CODE_ALARMS).length + 3;
    // 6 on queues and the API, and the failure rate of posts to event streams
    expect(alarms()).toHaveLength(7 + pipeline + 2 * FUNCTION_NAMES.length);
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions).toEqual([topic]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
      expect(alarm.AlarmName).toMatch(/^reelay-dev-/);
    }
  });

  it('fire when half of the posts to event streams in 15 minutes failed (10 posts at least)', () => {
    const rate = alarms().filter((a) => a.AlarmName === 'reelay-dev-LiveEventFailureRate');
    expect(rate).toHaveLength(1);
    const metrics = rate[0]?.Metrics as Array<{
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string } };
    }>;
    expect(metrics.map((m) => m.Expression ?? m.MetricStat?.Metric.MetricName).sort()).toEqual([
      'IF(failed + sent >= 10, failed / (failed + sent), 0)',
      'LiveEventsFailed',
      'LiveEventsSent',
    ]);
  });

  it('fire when the archive DLQ holds anything', () => {
    const dlq = { Name: 'QueueName', Value: getAtt(logicalId(stack.archive.deadLetterQueue), 'QueueName') };
    expect(alarmOn('ApproximateNumberOfMessagesVisible', dlq)).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        Period: 60,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
      }),
    ]);
  });

  it('fire when the follow-up DLQ holds anything', () => {
    const dlq = { Name: 'QueueName', Value: getAtt(logicalId(stack.followUp.deadLetterQueue), 'QueueName') };
    expect(alarmOn('ApproximateNumberOfMessagesVisible', dlq)).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/SQS',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
      }),
    ]);
  });

  it('fire when the event DLQ holds anything', () => {
    const dlq = { Name: 'QueueName', Value: getAtt(logicalId(stack.events.deadLetterQueue), 'QueueName') };
    expect(alarmOn('ApproximateNumberOfMessagesVisible', dlq)).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/SQS',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    ]);
  });

  it('fire when half of the client webhook attempts in 15 minutes failed (10 attempts at least)', () => {
    const rate = alarms().filter((a) => a.AlarmName === 'reelay-dev-WebhookFailureRate');
    expect(rate).toHaveLength(1);
    const metrics = rate[0]?.Metrics as Array<{
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string } };
    }>;
    expect(metrics.map((m) => m.Expression ?? m.MetricStat?.Metric.MetricName).sort()).toEqual([
      'IF(failed + delivered >= 10, failed / (failed + delivered), 0)',
      'WebhookDelivered',
      'WebhookDeliveryFailed',
    ]);
    expect(rate[0]).toMatchObject({ Threshold: 0.5, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('fire when the oldest archive message is 30 minutes old', () => {
    const queue = { Name: 'QueueName', Value: getAtt(logicalId(stack.archive.queue), 'QueueName') };
    expect(alarmOn('ApproximateAgeOfOldestMessage', queue)).toEqual([
      expect.objectContaining({
        Statistic: 'Maximum',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1800,
      }),
    ]);
  });

  it('fire on API 5xx', () => {
    const api = { Name: 'ApiId', Value: { Ref: logicalId(stack.http.httpApi) } };
    expect(alarmOn('5xx', api)).toEqual([
      expect.objectContaining({ Namespace: 'AWS/ApiGateway', Statistic: 'Sum', Period: 300, Threshold: 5 }),
    ]);
  });

  it.each(FUNCTION_NAMES)('fire on any error or throttle of %s', (name) => {
    const fn = { Name: 'FunctionName', Value: { Ref: logicalId(stack.functions[name].function) } };
    for (const metric of ['Errors', 'Throttles']) {
      expect(alarmOn(metric, fn)).toEqual([
        expect.objectContaining({
          Namespace: 'AWS/Lambda',
          Statistic: 'Sum',
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Threshold: 1,
        }),
      ]);
    }
  });
});

/** An alarm by the id it was added with (its name is `<stack>-<id>`). */
const alarmNamed = (id: string) => {
  const found = alarms().find((a) => a.AlarmName === `reelay-dev-${id}`);
  if (!found) throw new Error(`no alarm ${id}`);
  return found;
};
const service = { Name: 'service', Value: 'reelay' };
type Query = { Id: string; Expression?: string; MetricStat?: { Metric: Json; Stat: string; Period: number } };

describe('alarms on the functions’ own metrics (namespace Reelay/<stage>)', () => {
  it('the functions publish to the namespace the alarms read', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe('Reelay/dev');
    }
  });

  it.each(['timeout', 'archive_failed', 'provider_auth_failed', 'provider_balance_exhausted'])(
    'fire on any job that ended with %s',
    (code) => {
      expect(alarmNamed(`Jobs_${code}`)).toMatchObject({
        Namespace: 'Reelay/dev',
        MetricName: 'JobsEnded',
        Dimensions: [{ Name: 'code', Value: code }, service],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    },
  );

  it('fire on a failure rate by code, and on the overall failure rate, once at least 5 jobs ended', () => {
    const rate = alarmNamed('Jobs_provider_unavailable_Rate');
    expect(rate.Threshold).toBe(10);
    const queries = rate.Metrics as Query[];
    expect(queries.find((q) => q.Expression)?.Expression).toBe(
      'IF(finished >= 5, 100 * FILL(ended, 0) / finished, 0)',
    );
    expect(queries.find((q) => q.Id === 'ended')?.MetricStat?.Metric).toEqual({
      Namespace: 'Reelay/dev',
      MetricName: 'JobsEnded',
      Dimensions: [{ Name: 'code', Value: 'provider_unavailable' }, service],
    });
    const overall = alarmNamed('JobFailureRate');
    expect(overall.Threshold).toBe(25);
    expect((overall.Metrics as Query[]).find((q) => q.Expression)?.Expression).toContain(
      'finished - FILL(completed, 0)',
    );
  });

  it('fire when a fifth of the calls to fal fail, over every kind of call', () => {
    const alarm = alarmNamed('FalErrorRate');
    expect(alarm.Threshold).toBe(20);
    const queries = alarm.Metrics as Query[];
    // CloudWatch takes at most 10 metrics in one alarm
    expect(queries.filter((q) => q.MetricStat)).toHaveLength(10);
    const kinds = queries
      .filter((q) => q.MetricStat)
      .map((q) => `${q.MetricStat?.Metric.MetricName} ${JSON.stringify(q.MetricStat?.Metric.Dimensions)}`);
    for (const kind of ['submit', 'status', 'result', 'cancel', 'storage']) {
      for (const name of ['FalCalls', 'FalCallErrors'])
        expect(kinds).toContain(`${name} ${JSON.stringify([{ Name: 'kind', Value: kind }, service])}`);
    }
  });

  it('fire on 5 refused webhook deliveries in 5 minutes, whatever the reason', () => {
    const alarm = alarmNamed('WebhookRejections');
    expect(alarm.Threshold).toBe(5);
    const reasons = (alarm.Metrics as Query[])
      .filter((q) => q.MetricStat)
      .flatMap((q) => (q.MetricStat?.Metric.Dimensions ?? []) as Json[])
      .filter((dimension) => dimension.Name === 'reason');
    expect(reasons).toEqual(
      ['signature', 'token', 'body', 'account'].map((Value) => ({ Name: 'reason', Value })),
    );
  });
});

describe('dashboard', () => {
  it('one dashboard, reelay-<stage>, that shows every metric the functions emit and every alarm', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboard?.Properties.DashboardName).toBe('reelay-dev');
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const name of [
      'JobsEnded',
      'JobsFinished',
      'FalCalls',
      'FalCallErrors',
      'FalLatency',
      'WebhookRejections',
      'ReconcilerFindings',
      'ArchivedBytes',
      'ArchiveDuration',
      'ArchiveQueueAge',
      'ApproximateAgeOfOldestMessage',
      'ConcurrentExecutions',
    ]) {
      expect(body, name).toContain(name);
    }
    // series split by a dimension are found by SEARCH, so a new failure code shows without a deploy
    for (const dimension of ['code', 'kind', 'reason', 'finding'])
      expect(body).toContain(`SEARCH('{Reelay/dev,service,${dimension}} MetricName=`);
    // the alarm status widget lists every alarm
    const listed = body.match(/"Fn::GetAtt":\["Alarms[A-Za-z0-9]+","Arn"\]/g) ?? [];
    expect(listed).toHaveLength(alarms().length);
    template.hasOutput('DashboardUrl', {});
  });
});

describe('alarm topic', () => {
  it('has no subscription unless alarmEmail is set, and takes only TLS publishes', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe('outputs', () => {
  it('name the API and webhook URLs, bucket, table, queues, secrets and topic', () => {
    const endpoint = getAtt(logicalId(stack.http.httpApi), 'ApiEndpoint');
    template.hasOutput('ApiUrl', { Value: endpoint });
    template.hasOutput('WebhookUrl', { Value: { 'Fn::Join': ['', [endpoint, '/webhooks/fal']] } });
    template.hasOutput('VideoBucketName', { Value: { Ref: logicalId(stack.storage.bucket) } });
    template.hasOutput('JobsTableName', { Value: { Ref: logicalId(stack.jobs.table) } });
    template.hasOutput('UsageTableName', { Value: { Ref: logicalId(stack.usage.table) } });
    template.hasOutput('AccountsTableName', { Value: { Ref: logicalId(stack.accounts.table) } });
    template.hasOutput('ArchiveQueueUrl', { Value: { Ref: logicalId(stack.archive.queue) } });
    template.hasOutput('AlarmTopicArn', { Value: { Ref: logicalId(stack.alarms.topic) } });
    template.hasOutput('WebhooksTableName', { Value: { Ref: logicalId(stack.webhooks.table) } });
    template.hasOutput('EventQueueArn', { Value: getAtt(logicalId(stack.events.queue)) });
    template.hasOutput('EventDeadLetterQueueArn', { Value: getAtt(logicalId(stack.events.deadLetterQueue)) });
    // the secret's name, not its ARN: CloudFormation cuts the random suffix off the ARN
    for (const [output, secret] of [
      ['FalKeySecretName', stack.secrets.falKey],
      ['ApiKeysSecretName', stack.secrets.apiKeys],
    ] as const) {
      const value = JSON.stringify(template.toJSON().Outputs[output].Value);
      expect(value).toContain(`"Ref":"${logicalId(secret)}"`);
      expect(value).toContain('Fn::Split');
    }
  });
});
