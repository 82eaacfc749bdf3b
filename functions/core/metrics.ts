import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';

/** Events operators alarm on. */
export type MetricName =
  | 'ArchiveMessageDeadLettered'
  | 'WebhookDelivered'
  | 'WebhookDeliveryFailed'
  | 'WebhookEventDeadLettered'
  | 'WebhookEndpointDisabled';

/** Counts events as CloudWatch metrics; `metadata` (a job id) rides along in the record, not as a dimension. */
export interface Metrics {
  count(name: MetricName, metadata: Record<string, string>): void;
}

/**
 * CloudWatch embedded metric format through Powertools: a JSON line on stdout that CloudWatch turns
 * into a metric, no API call. Published at once (these are rare events, not per-request counters).
 * POWERTOOLS_METRICS_DISABLED=true silences it (tests).
 */
export function createPowertoolsMetrics(): Metrics {
  const metrics = new PowertoolsMetrics({ namespace: 'Reelay', serviceName: 'reelay' });
  return {
    count(name, metadata) {
      metrics.addMetric(name, MetricUnit.Count, 1);
      for (const [key, value] of Object.entries(metadata)) metrics.addMetadata(key, value);
      metrics.publishStoredMetrics();
    },
  };
}
