import { describe, expect, it } from 'vitest';
import { FalCallError, type FalGateway } from '../../../functions/core/fal/fal-gateway.ts';
import { meteredFalGateway } from '../../../functions/core/fal/metered-fal-gateway.ts';
import { createPrometheusMetrics } from '../../../functions/core/metrics/prometheus/prometheus-metrics.ts';

describe('Prometheus text (GET /metrics locally)', () => {
  it('counters per label set, summaries as _sum and _count, label values escaped', () => {
    const metrics = createPrometheusMetrics();
    metrics.emit({ name: 'JobsEnded', unit: 'Count', value: 1, dimensions: { code: 'completed' } });
    metrics.emit({ name: 'JobsEnded', unit: 'Count', value: 1, dimensions: { code: 'completed' } });
    metrics.emit({ name: 'JobsEnded', unit: 'Count', value: 1, dimensions: { code: 'a"b\\c\nd' } });
    metrics.emit({ name: 'ArchiveDuration', unit: 'Milliseconds', value: 30 });
    metrics.emit({ name: 'ArchiveDuration', unit: 'Milliseconds', value: 12 });
    metrics.count('ArchiveMessageDeadLettered', { jobId: 'video_x' });
    expect(metrics.render()).toBe(
      [
        '# TYPE reelay_archive_duration_milliseconds summary',
        'reelay_archive_duration_milliseconds_sum 42',
        'reelay_archive_duration_milliseconds_count 2',
        '# TYPE reelay_archive_message_dead_lettered_total counter',
        'reelay_archive_message_dead_lettered_total 1',
        '# TYPE reelay_jobs_ended_total counter',
        'reelay_jobs_ended_total{code="completed"} 2',
        'reelay_jobs_ended_total{code="a\\"b\\\\c\\nd"} 1',
        '',
      ].join('\n'),
    );
  });
});

describe('metered fal gateway', () => {
  const failing = () => Promise.reject(new FalCallError('fal cancel failed', { status: 503 }));
  const fal: FalGateway = {
    submit: async () => ({ requestId: 'r1' }),
    status: async () => 'COMPLETED',
    // a model's own error is an answer: not a failed call
    result: async (_endpoint, requestId) => ({ kind: 'error', requestId, status: 422, body: {} }),
    cancel: failing,
    output: async () => ({}),
    upload: async () => 'https://v3.fal.media/files/x.png',
  };

  it('counts and times every call by kind, and counts only thrown failures as errors (rethrown as they were)', async () => {
    const metrics = createPrometheusMetrics();
    const metered = meteredFalGateway(fal, metrics);
    await metered.submit('fal-ai/x', {}, undefined);
    await metered.status('fal-ai/x', 'r1');
    await metered.result('fal-ai/x', 'r1');
    await expect(metered.cancel('fal-ai/x', 'r1')).rejects.toBeInstanceOf(FalCallError);
    await metered.upload(new Blob(['x']));
    const text = metrics.render();
    for (const kind of ['submit', 'status', 'result', 'cancel', 'storage']) {
      expect(text).toContain(`reelay_fal_calls_total{kind="${kind}"} 1`);
      expect(text).toContain(`reelay_fal_latency_milliseconds_count{kind="${kind}"} 1`);
    }
    expect(text.match(/^reelay_fal_call_errors_total.*/gm)).toEqual([
      'reelay_fal_call_errors_total{kind="cancel"} 1',
    ]);
  });
});
