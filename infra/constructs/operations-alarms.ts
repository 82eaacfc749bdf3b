import { Aws, Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { ArchiveQueue } from './archive-queue.ts';
import type { ReelayFunction } from './reelay-function.ts';

/** An archive message older than this means archives are failing or the archiver cannot keep up. */
export const OLDEST_ARCHIVE_MESSAGE_SECONDS = 30 * 60;
/** 502/503 answers are how fal's trouble reaches clients: alarm on a run of them, not on one. */
export const API_5XX_PER_5_MINUTES = 5;

export interface OperationsAlarmsProps {
  /** The topic's name: fixed, so the budget stack can address it without a cross-stack export. */
  topicName: string;
  alarmEmail?: string;
  functions: ReelayFunction[];
  archiveQueue: ArchiveQueue;
  httpApi: HttpApi;
}

/** The SNS topic operators subscribe to, and the alarms that publish to it. */
export class OperationsAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      topicName: props.topicName,
      displayName: 'Reelay alarms',
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    const { queue, deadLetterQueue } = props.archiveQueue;
    this.add('ArchiveDeadLetters', {
      metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: 'Archive messages reached the dead-letter queue: those videos may not be in S3.',
    });
    this.add('ArchiveBacklog', {
      metric: queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: OLDEST_ARCHIVE_MESSAGE_SECONDS,
      description: 'The oldest archive message has waited 30 minutes: archives are failing or backed up.',
    });
    this.add('Api5xx', {
      metric: props.httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: API_5XX_PER_5_MINUTES,
      description: 'The HTTP API answered 5xx repeatedly: fal trouble (502/503) or a failing function.',
    });
    for (const fn of props.functions) {
      const name = fn.node.id;
      this.add(`${name}Errors`, {
        metric: fn.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        description: `The ${name} function failed (an unhandled error or a timeout).`,
      });
      this.add(`${name}Throttles`, {
        metric: fn.function.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        description: `The ${name} function was throttled: the account's concurrency is exhausted.`,
      });
    }
  }

  /** Lets AWS Budgets of this account, and only it, publish to the topic (the opt-in budget stack). */
  allowBudgets(): void {
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowBudgetsToPublish',
        principals: [new ServicePrincipal('budgets.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:budgets::${Aws.ACCOUNT_ID}:*` },
        },
      }),
    );
  }

  private add(
    id: string,
    options: {
      metric: IMetric;
      threshold: number;
      description: string;
      comparisonOperator?: ComparisonOperator;
    },
  ): void {
    const alarm = new Alarm(this, id, {
      alarmName: `${Stack.of(this).stackName}-${id}`,
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold,
      comparisonOperator: options.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // no data means nothing happened (no errors, no messages), not that something broke
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
