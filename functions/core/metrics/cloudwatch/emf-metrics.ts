import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import { logger } from '../../logger.ts';
import type { Metrics } from '../metrics.ts';

/**
 * CloudWatch embedded metric format through Powertools: a JSON line on stdout that CloudWatch turns
 * into a metric, no API call. Each point is published at once with its own dimensions (a handler
 * may end before any flush, and points with different dimensions cannot share a line). The
 * namespace comes from POWERTOOLS_METRICS_NAMESPACE (the stack sets `Reelay/<stage>`);
 * POWERTOOLS_METRICS_DISABLED=true silences it (tests).
 */
export function createEmfMetrics(): Metrics {
  // Powertools reads POWERTOOLS_METRICS_NAMESPACE (and _DISABLED) itself, like its log level
  const metrics = new PowertoolsMetrics({ serviceName: 'reelay' });
  // a metric is worth less than the transition it describes: a failure to record one is logged, never thrown
  const safely = (name: string, record: () => void) => {
    try {
      record();
    } catch (error) {
      metrics.clearMetrics();
      metrics.clearDimensions();
      logger.warn('metric not recorded', { metric: name, error: String(error) });
    }
  };
  return {
    count(name, metadata) {
      safely(name, () => {
        metrics.addMetric(name, MetricUnit.Count, 1);
        for (const [key, value] of Object.entries(metadata)) metrics.addMetadata(key, value);
        metrics.publishStoredMetrics();
      });
    },
    emit({ name, value, unit, dimensions }) {
      safely(name, () => {
        if (dimensions) metrics.addDimensions(dimensions);
        metrics.addMetric(name, MetricUnit[unit], value);
        metrics.publishStoredMetrics();
      });
    },
  };
}
