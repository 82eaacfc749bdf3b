import { type FalCallKind, METRIC, type Metrics } from '../metrics/metrics.ts';
import type { FalGateway } from './fal-gateway.ts';

/**
 * Counts and times every call to fal by kind, failures apart: submits never throw to the client
 * (a failed one is retried later) and polls are swallowed by the reconciler, so without this an
 * outage at fal shows only as jobs that end late. A model's own error is an answer, not a failure.
 */
export function meteredFalGateway(fal: FalGateway, metrics: Metrics): FalGateway {
  async function measure<T>(kind: FalCallKind, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const dimensions = { kind };
    try {
      return await call();
    } catch (error) {
      metrics.emit({ name: METRIC.falCallErrors, unit: 'Count', value: 1, dimensions });
      throw error;
    } finally {
      metrics.emit({ name: METRIC.falCalls, unit: 'Count', value: 1, dimensions });
      metrics.emit({
        name: METRIC.falLatency,
        unit: 'Milliseconds',
        value: performance.now() - started,
        dimensions,
      });
    }
  }
  return {
    submit: (endpoint, input, webhookUrl, options) =>
      measure('submit', () => fal.submit(endpoint, input, webhookUrl, options)),
    status: (endpoint, requestId) => measure('status', () => fal.status(endpoint, requestId)),
    result: (endpoint, requestId) => measure('result', () => fal.result(endpoint, requestId)),
    cancel: (endpoint, requestId) => measure('cancel', () => fal.cancel(endpoint, requestId)),
    output: (endpoint, requestId) => measure('result', () => fal.output(endpoint, requestId)),
    upload: (file) => measure('storage', () => fal.upload(file)),
  };
}
