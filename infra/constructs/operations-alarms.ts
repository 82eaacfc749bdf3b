import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { ArchiveQueue } from './archive-queue.ts';
import type { EventQueue } from './event-queue.ts';
import type { ReelayFunction } from './reelay-function.ts';

/** An archive message older than this means archives are failing or the archiver cannot keep up. */
export const OLDEST_ARCHIVE_MESSAGE_SECONDS = 30 * 60;
/** 502/503 answers are how fal's trouble reaches clients: alarm on a run of them, not on one. */
export const API_5XX_PER_5_MINUTES = 5;
/** Share of client webhook attempts failing over 15 minutes that means receivers (or our egress) are broken. */
export const WEBHOOK_FAILURE_RATE = 0.5;

export interface OperationsAlarmsProps {
  alarmEmail?: string;
  functions: ReelayFunction[];
  archiveQueue: ArchiveQueue;
  eventQueue: EventQueue;
  httpApi: HttpApi;
}

/** The SNS topic operators subscribe to, and the alarms that publish to it. */
export class OperationsAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'Reelay alarms', enforceSSL: true });
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
    this.add('EventDeadLetters', {
      metric: props.eventQueue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      description:
        'A client event exhausted its retries (or its delivery run kept failing): redrive after fixing.',
    });
    // the deliverer's own counts (functions/core/metrics.ts, Powertools EMF, dimension service=reelay)
    const webhookCount = (metricName: string) =>
      new Metric({
        namespace: 'Reelay',
        metricName,
        dimensionsMap: { service: 'reelay' },
        period: Duration.minutes(15),
        statistic: 'Sum',
      });
    this.add('WebhookFailureRate', {
      metric: new MathExpression({
        expression: 'IF(failed + delivered >= 10, failed / (failed + delivered), 0)',
        usingMetrics: {
          failed: webhookCount('WebhookDeliveryFailed'),
          delivered: webhookCount('WebhookDelivered'),
        },
        period: Duration.minutes(15),
        label: 'Share of client webhook attempts that failed',
      }),
      threshold: WEBHOOK_FAILURE_RATE,
      description: 'Half or more of client webhook attempts failed in 15 minutes (at least 10 attempts).',
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
