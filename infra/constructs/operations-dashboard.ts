import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IMetric,
  type IWidget,
  MathExpression,
  SingleValueWidget,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { METRIC } from '../../functions/core/metrics/metrics.ts';
import type { ArchiveQueue } from './archive-queue.ts';
import type { ReelayFunction } from './reelay-function.ts';
import type { ReelayMetrics } from './reelay-metrics.ts';

export interface OperationsDashboardProps {
  dashboardName: string;
  metrics: ReelayMetrics;
  alarms: Alarm[];
  functions: ReelayFunction[];
  archiveQueue: ArchiveQueue;
  httpApi: HttpApi;
}

const FIVE_MINUTES = Duration.minutes(5);
const WIDE = 12;
const HIGH = 6;

/**
 * The pipeline at a glance, in the order a job travels it: alarms, how jobs end, fal, the webhook,
 * the archive and its queue, the reconciler's net, then the API and the functions. docs/operations.md
 * walks through it.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const { metrics } = props;
    const period = FIVE_MINUTES.toSeconds();
    const search = (label: string, name: string, dimension: string, statistic = 'Sum') =>
      new MathExpression({
        label,
        expression: metrics.search(name, dimension, statistic, period),
        usingMetrics: {},
        period: FIVE_MINUTES,
      });
    const graph = (title: string, left: IMetric[], right?: IMetric[]) =>
      new GraphWidget({ title, left, right, width: WIDE, height: HIGH, period: FIVE_MINUTES });
    const { queue, deadLetterQueue } = props.archiveQueue;
    const fns = props.functions;

    const rows: IWidget[][] = [
      [
        new TextWidget({
          markdown:
            '# Reelay\nA job goes API → fal → webhook → archive queue → S3; the reconciler catches what is lost. What each alarm means and what to do: docs/operations.md.',
          width: 24,
          height: 2,
        }),
      ],
      [new AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 24, height: 4 })],
      [
        new SingleValueWidget({
          title: 'Jobs in the last hour',
          metrics: [
            metrics.metric(METRIC.jobsFinished, {}, { period: Duration.hours(1), label: 'ended' }),
            metrics.metric(
              METRIC.jobsEnded,
              { code: 'completed' },
              { period: Duration.hours(1), label: 'completed' },
            ),
            metrics.metric(
              METRIC.jobsEnded,
              { code: 'timeout' },
              { period: Duration.hours(1), label: 'timed out' },
            ),
          ],
          width: WIDE,
          height: 4,
        }),
        new SingleValueWidget({
          title: 'Archive queue',
          metrics: [
            queue.metricApproximateNumberOfMessagesVisible({ label: 'waiting', statistic: 'Maximum' }),
            queue.metricApproximateAgeOfOldestMessage({ label: 'oldest (s)', statistic: 'Maximum' }),
            deadLetterQueue.metricApproximateNumberOfMessagesVisible({
              label: 'dead letters',
              statistic: 'Maximum',
            }),
          ],
          width: WIDE,
          height: 4,
        }),
      ],
      [
        graph('Jobs ended by code', [search('', METRIC.jobsEnded, 'code')]),
        graph('Calls to fal, and failed calls, by kind', [
          search('calls', METRIC.falCalls, 'kind'),
          search('failed', METRIC.falCallErrors, 'kind'),
        ]),
      ],
      [
        graph('fal latency by kind, p90 (ms)', [search('', METRIC.falLatency, 'kind', 'p90')]),
        graph('Webhook deliveries refused, by reason', [search('', METRIC.webhookRejections, 'reason')]),
      ],
      [
        graph(
          'Archives: duration p90 (ms) and size (bytes, average)',
          [
            metrics.metric(
              METRIC.archiveDuration,
              {},
              { period: FIVE_MINUTES, statistic: 'p90', label: 'duration p90' },
            ),
          ],
          [
            metrics.metric(
              METRIC.archivedBytes,
              {},
              { period: FIVE_MINUTES, statistic: 'Average', label: 'bytes' },
            ),
          ],
        ),
        graph(
          'Archive queue: wait before delivery (ms) and oldest message (s)',
          [
            metrics.metric(
              METRIC.archiveQueueAge,
              {},
              { period: FIVE_MINUTES, statistic: 'Maximum', label: 'waited (max)' },
            ),
          ],
          [
            queue.metricApproximateAgeOfOldestMessage({
              period: FIVE_MINUTES,
              statistic: 'Maximum',
              label: 'oldest',
            }),
            deadLetterQueue.metricApproximateNumberOfMessagesVisible({
              period: FIVE_MINUTES,
              statistic: 'Maximum',
              label: 'dead letters',
            }),
          ],
        ),
      ],
      [
        graph('Reconciler findings per pass', [search('', METRIC.reconcilerFindings, 'finding')]),
        graph('HTTP API: requests, 4xx, 5xx', [
          props.httpApi.metricCount({ period: FIVE_MINUTES, label: 'requests' }),
          props.httpApi.metricClientError({ period: FIVE_MINUTES, label: '4xx' }),
          props.httpApi.metricServerError({ period: FIVE_MINUTES, label: '5xx' }),
        ]),
      ],
      [
        graph(
          'Functions: errors and throttles',
          fns.map((fn) => fn.function.metricErrors({ period: FIVE_MINUTES, label: `${fn.node.id} errors` })),
          fns.map((fn) =>
            fn.function.metricThrottles({ period: FIVE_MINUTES, label: `${fn.node.id} throttles` }),
          ),
        ),
        graph(
          'Functions: concurrent executions (a new account has 10 in all)',
          fns.map((fn) =>
            fn.function.metric('ConcurrentExecutions', {
              period: FIVE_MINUTES,
              statistic: 'Maximum',
              label: fn.node.id,
            }),
          ),
        ),
      ],
    ];
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
      widgets: rows,
    });
  }
}
