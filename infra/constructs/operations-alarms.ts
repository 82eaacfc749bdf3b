import { Aws, Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { FAL_CALL_KINDS, METRIC, WEBHOOK_REJECTIONS } from '../../functions/core/metrics/metrics.ts';
import type { ArchiveQueue, WorkerQueue } from './archive-queue.ts';
import type { EventQueue } from './event-queue.ts';
import type { ReelayFunction } from './reelay-function.ts';
import type { ReelayMetrics } from './reelay-metrics.ts';

/** An archive message older than this means archives are failing or the archiver cannot keep up. */
export const OLDEST_ARCHIVE_MESSAGE_SECONDS = 30 * 60;
/** 502/503 answers are how fal's trouble reaches clients: alarm on a run of them, not on one. */
export const API_5XX_PER_5_MINUTES = 5;
/** Share of client webhook attempts failing over 15 minutes that means receivers (or our egress) are broken. */
export const WEBHOOK_FAILURE_RATE = 0.5;

/** Of all calls to fal in 5 minutes (at least 5), this share failing means fal, or the way to it, is down. */
export const FAL_ERROR_PERCENT = 20;
/** Of all jobs ended in 15 minutes (at least 5), this share failing for any reason but a cancel. */
export const JOB_FAILURE_PERCENT = 25;
/** Refused webhook deliveries in 5 minutes: fal's own retries of one bad delivery stay below it. */
export const WEBHOOK_REJECTIONS_PER_5_MINUTES = 5;

/**
 * Failure codes an operator must act on, and when: `any` fires on the first such job, a number on
 * that share (%) of the jobs ended in 15 minutes. docs/operations.md says what to do for each.
 */
export const FAILURE_CODE_ALARMS: Record<string, { any: true } | { percent: number }> = {
  // a job past the maximum age: fal or the pipeline stalled
  timeout: { any: true },
  // a video fal made (and billed) is not in the bucket
  archive_failed: { any: true },
  // the fal key is missing, wrong or revoked: every job fails
  provider_auth_failed: { any: true },
  // the fal account has no balance left: every job fails
  provider_balance_exhausted: { any: true },
  // fal unreachable or answering 5xx after every retry
  provider_unavailable: { percent: 10 },
  // fal's generation itself timing out
  generation_timeout: { percent: 10 },
};

export interface OperationsAlarmsProps {
  /** The topic's name: fixed, so the budget stack can address it without a cross-stack export. */
  topicName: string;
  alarmEmail?: string;
  functions: ReelayFunction[];
  archiveQueue: ArchiveQueue;
  /** The follow-up worker's queue: a dead letter there is a slot hand-off or resubmit the reconciler must redo. */
  followUpQueue?: WorkerQueue;
  eventQueue: EventQueue;
  httpApi: HttpApi;
  /** The functions' own metrics (EMF). */
  metrics: ReelayMetrics;
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
    if (props.followUpQueue) {
      this.add('FollowUpDeadLetters', {
        metric: props.followUpQueue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        description:
          'Follow-up messages reached the dead-letter queue: the follow-up worker keeps failing (the reconciler redoes their work each minute).',
      });
    }
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
    // the deliverer's own counts (EMF, functions/core/metrics/metrics.ts)
    const webhookCount = (metricName: string) =>
      props.metrics.metric(metricName, {}, { period: Duration.minutes(15) });
    this.add('WebhookFailureRate', {
      metric: new MathExpression({
        expression: 'IF(failed + delivered >= 10, failed / (failed + delivered), 0)',
        usingMetrics: {
          failed: webhookCount(METRIC.webhookDeliveryFailed),
          delivered: webhookCount(METRIC.webhookDelivered),
        },
        period: Duration.minutes(15),
        label: 'Share of client webhook attempts that failed',
      }),
      threshold: WEBHOOK_FAILURE_RATE,
      description: 'Half or more of client webhook attempts failed in 15 minutes (at least 10 attempts).',
    });
    // live event streams: posts that failed for another reason than a gone connection
    this.add('LiveEventFailureRate', {
      metric: new MathExpression({
        expression: 'IF(failed + sent >= 10, failed / (failed + sent), 0)',
        usingMetrics: {
          failed: webhookCount(METRIC.liveEventsFailed),
          sent: webhookCount(METRIC.liveEventsSent),
        },
        period: Duration.minutes(15),
        label: 'Share of posts to event streams that failed',
      }),
      threshold: WEBHOOK_FAILURE_RATE,
      description:
        'Half or more of posts to open event streams failed in 15 minutes (at least 10): the management API refused the deliverer (permissions, throttling) or timed out.',
    });
    this.add('Api5xx', {
      metric: props.httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: API_5XX_PER_5_MINUTES,
      description: 'The HTTP API answered 5xx repeatedly: fal trouble (502/503) or a failing function.',
    });
    this.addPipelineAlarms(props.metrics);
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

  /** Alarms on what only the functions know: how jobs end, how fal answers, who knocks on the webhook. */
  private addPipelineAlarms(metrics: ReelayMetrics): void {
    const fifteen = Duration.minutes(15);
    const finished = metrics.metric(METRIC.jobsFinished, {}, { period: fifteen });
    for (const [code, rule] of Object.entries(FAILURE_CODE_ALARMS)) {
      const ended = metrics.metric(
        METRIC.jobsEnded,
        { code },
        { period: 'any' in rule ? Duration.minutes(5) : fifteen },
      );
      if ('any' in rule) {
        this.add(`Jobs_${code}`, {
          metric: ended,
          threshold: 1,
          description: `A job ended with ${code}: see docs/operations.md, "${code}".`,
        });
        continue;
      }
      this.add(`Jobs_${code}_Rate`, {
        metric: new MathExpression({
          label: `% of jobs ended with ${code}`,
          expression: 'IF(finished >= 5, 100 * FILL(ended, 0) / finished, 0)',
          usingMetrics: { ended, finished },
          period: fifteen,
        }),
        threshold: rule.percent,
        description: `${rule.percent} % or more of the jobs ended in 15 minutes ended with ${code}: see docs/operations.md, "${code}".`,
      });
    }
    this.add('JobFailureRate', {
      metric: new MathExpression({
        label: '% of jobs failed (cancels aside)',
        expression:
          'IF(finished >= 5, 100 * (finished - FILL(completed, 0) - FILL(cancelled, 0)) / finished, 0)',
        usingMetrics: {
          finished,
          completed: metrics.metric(METRIC.jobsEnded, { code: 'completed' }, { period: fifteen }),
          cancelled: metrics.metric(METRIC.jobsEnded, { code: 'cancelled' }, { period: fifteen }),
        },
        period: fifteen,
      }),
      threshold: JOB_FAILURE_PERCENT,
      description: `${JOB_FAILURE_PERCENT} % or more of the jobs ended in 15 minutes failed: the dashboard's "Jobs ended by code" says which code.`,
    });

    const five = Duration.minutes(5);
    const byKind = (name: string, prefix: string) =>
      Object.fromEntries(
        FAL_CALL_KINDS.map((kind) => [`${prefix}_${kind}`, metrics.metric(name, { kind }, { period: five })]),
      );
    const errors = byKind(METRIC.falCallErrors, 'errors');
    const calls = byKind(METRIC.falCalls, 'calls');
    const sum = (ids: string[]) => ids.map((id) => `FILL(${id}, 0)`).join(' + ');
    this.add('FalErrorRate', {
      metric: new MathExpression({
        label: '% of calls to fal that failed',
        expression: `IF((${sum(Object.keys(calls))}) >= 5, 100 * (${sum(Object.keys(errors))}) / (${sum(Object.keys(calls))}), 0)`,
        usingMetrics: { ...errors, ...calls },
        period: five,
      }),
      threshold: FAL_ERROR_PERCENT,
      description: `${FAL_ERROR_PERCENT} % or more of the calls to fal failed in 5 minutes: fal (or the way to it) is down, or the key is wrong.`,
    });

    const rejections = Object.fromEntries(
      WEBHOOK_REJECTIONS.map((reason) => [
        reason,
        metrics.metric(METRIC.webhookRejections, { reason }, { period: five }),
      ]),
    );
    this.add('WebhookRejections', {
      metric: new MathExpression({
        label: 'webhook deliveries refused',
        expression: Object.keys(rejections)
          .map((id) => `FILL(${id}, 0)`)
          .join(' + '),
        usingMetrics: rejections,
        period: five,
      }),
      threshold: WEBHOOK_REJECTIONS_PER_5_MINUTES,
      description: `${WEBHOOK_REJECTIONS_PER_5_MINUTES} or more deliveries to /webhooks/fal refused in 5 minutes: a wrong PUBLIC_URL or signature setup, or someone probing.`,
    });
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
