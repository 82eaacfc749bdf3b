import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEmfMetrics } from '../../../functions/core/metrics/cloudwatch/emf-metrics.ts';
import { METRIC } from '../../../functions/core/metrics/metrics.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** The EMF lines a function prints while `run` runs: what CloudWatch turns into metrics. */
function emfLines(run: () => void): Array<Record<string, unknown>> {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  run();
  vi.mocked(process.stdout.write).mockRestore();
  return lines.flatMap((text) => text.split('\n').filter(Boolean)).map((line) => JSON.parse(line));
}

describe('EMF metrics (what the alarms and the dashboard read)', () => {
  it('one line per point, in the stage’s namespace, with the service and the point’s own dimensions', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'Reelay/dev');
    const metrics = createEmfMetrics();
    const lines = emfLines(() => {
      metrics.emit({ name: METRIC.jobsEnded, unit: 'Count', value: 1, dimensions: { code: 'timeout' } });
      metrics.emit({ name: METRIC.archiveDuration, unit: 'Milliseconds', value: 1234 });
    });
    expect(lines).toHaveLength(2);
    const [ended, duration] = lines;
    expect(ended).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'Reelay/dev',
            Dimensions: [['service', 'code']],
            Metrics: [{ Name: 'JobsEnded', Unit: 'Count' }],
          },
        ],
      },
      service: 'reelay',
      code: 'timeout',
      JobsEnded: 1,
    });
    // dimensions do not leak from one point into the next
    expect(duration).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          { Dimensions: [['service']], Metrics: [{ Name: 'ArchiveDuration', Unit: 'Milliseconds' }] },
        ],
      },
      ArchiveDuration: 1234,
    });
    expect(duration).not.toHaveProperty('code');
  });

  it('a point Powertools refuses is dropped without throwing, and leaves nothing behind for the next', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const metrics = createEmfMetrics();
    // CloudWatch takes at most 30 dimensions; Powertools throws past that
    const tooMany = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`d${i}`, 'x']));
    const lines = emfLines(() => {
      expect(() =>
        metrics.emit({ name: METRIC.jobsEnded, unit: 'Count', value: 1, dimensions: tooMany }),
      ).not.toThrow();
      metrics.emit({ name: METRIC.jobsFinished, unit: 'Count', value: 1 });
    });
    const emf = lines.filter((line) => '_aws' in line);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({
      JobsFinished: 1,
      _aws: { CloudWatchMetrics: [{ Dimensions: [['service']] }] },
    });
  });
});
