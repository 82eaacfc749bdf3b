import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../infra/bundling.ts';
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
    expect(alarms()).toHaveLength(5 + 2 * FUNCTION_NAMES.length);
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions).toEqual([topic]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
      expect(alarm.AlarmName).toMatch(/^reelay-dev-/);
    }
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
    const rate = alarms().filter((a) => Array.isArray(a.Metrics));
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

  it('lets AWS Budgets of this account, and only it, publish', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'budgets.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
  });
});

describe('budget', () => {
  it('is a monthly cost budget with actual (80 %) and forecast (100 %) notifications to the topic', () => {
    const topic = { Ref: logicalId(stack.alarms.topic) };
    const subscribers = [{ SubscriptionType: 'SNS', Address: topic }];
    template.hasResource('AWS::Budgets::Budget', {
      Properties: {
        Budget: { BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 50, Unit: 'USD' } },
        NotificationsWithSubscribers: [
          {
            Notification: {
              NotificationType: 'ACTUAL',
              ComparisonOperator: 'GREATER_THAN',
              Threshold: 80,
              ThresholdType: 'PERCENTAGE',
            },
            Subscribers: subscribers,
          },
          {
            Notification: {
              NotificationType: 'FORECASTED',
              ComparisonOperator: 'GREATER_THAN',
              Threshold: 100,
              ThresholdType: 'PERCENTAGE',
            },
            Subscribers: subscribers,
          },
        ],
      },
      // created after the topic policy that lets it publish
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^AlarmsTopicPolicy')]),
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
