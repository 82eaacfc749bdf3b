import type { MetricName, MetricPoint, Metrics, MetricUnit } from '../metrics.ts';

interface Series {
  name: MetricName;
  unit: MetricUnit;
  labels: Record<string, string>;
  count: number;
  sum: number;
}

/** `JobsEnded` → `reelay_jobs_ended`. */
const snake = (name: string) => `reelay_${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()}`;
const SUFFIX: Record<MetricUnit, string> = {
  Count: '_total',
  Milliseconds: '_milliseconds',
  Bytes: '_bytes',
};
const escapeLabel = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelText = (labels: Record<string, string>) => {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}="${escapeLabel(value)}"`);
  return pairs.length > 0 ? `{${pairs.join(',')}}` : '';
};

export interface PrometheusMetrics extends Metrics {
  /** Everything since start in Prometheus' text exposition format (version 0.0.4). */
  render(): string;
}

/**
 * The metrics the functions emit on AWS, kept in memory for the local stack's GET /metrics: a
 * counter per Count metric, a summary (sum and count) per timing or size, labelled by dimensions.
 */
export function createPrometheusMetrics(): PrometheusMetrics {
  const series = new Map<string, Series>();
  const add = ({ name, unit, value, dimensions = {} }: MetricPoint) => {
    const id = `${name}${JSON.stringify(Object.entries(dimensions).sort())}`;
    const found = series.get(id) ?? { name, unit, labels: dimensions, count: 0, sum: 0 };
    found.count++;
    found.sum += value;
    series.set(id, found);
  };
  return {
    count: (name) => add({ name, unit: 'Count', value: 1 }),
    emit: add,
    render() {
      const byName = new Map<string, Series[]>();
      for (const one of series.values()) {
        const base = snake(one.name);
        const metric = base.endsWith(SUFFIX[one.unit]) ? base : base + SUFFIX[one.unit];
        byName.set(metric, [...(byName.get(metric) ?? []), one]);
      }
      const lines: string[] = [];
      for (const [metric, all] of [...byName].sort(([a], [b]) => a.localeCompare(b))) {
        const counter = all[0]?.unit === 'Count';
        lines.push(`# TYPE ${metric} ${counter ? 'counter' : 'summary'}`);
        for (const one of all) {
          const labels = labelText(one.labels);
          if (counter) lines.push(`${metric}${labels} ${one.sum}`);
          else lines.push(`${metric}_sum${labels} ${one.sum}`, `${metric}_count${labels} ${one.count}`);
        }
      }
      return `${lines.join('\n')}\n`;
    },
  };
}
