import type { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';

/** The functions' own metrics as CloudWatch knows them: namespace, the `service` dimension Powertools adds, and the point's own. */
export class ReelayMetrics {
  constructor(readonly namespace: string) {}

  metric(
    name: string,
    dimensions: Record<string, string>,
    options: { period: Duration; statistic?: string; label?: string },
  ): Metric {
    return new Metric({
      namespace: this.namespace,
      metricName: name,
      dimensionsMap: { service: 'reelay', ...dimensions },
      statistic: options.statistic ?? 'Sum',
      period: options.period,
      label: options.label,
    });
  }

  /** Every series of `name` split by `dimension` (a dashboard SEARCH: codes and reasons need not be listed). */
  search(name: string, dimension: string, statistic: string, periodSeconds: number): string {
    return `SEARCH('{${this.namespace},service,${dimension}} MetricName="${name}"', '${statistic}', ${periodSeconds})`;
  }
}
