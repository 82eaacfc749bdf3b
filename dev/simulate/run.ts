import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { poolShardCount } from '../../functions/core/domain/limits.ts';
import { PARTITION_RRU_PER_SECOND, PARTITION_WRU_PER_SECOND } from './capacity-meter.ts';
import { runSimulation, type SimulationReport } from './simulation.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * `npm run simulate -- [--pool sharded|legacy] [--rate 1000] [--minutes 3] [--speed 0.4] [--max-active 2000]
 * [--shards N] [--tenants 20] [--fal-median 90] [--fal-sigma 0.4] [--seed 1]
 * [--follow-up-concurrency 2]`
 * `--pool legacy` is today's design before shards: the deployment's pool as one item (`--shards 1`).
 */
const { values } = parseArgs({
  options: {
    pool: { type: 'string', default: 'sharded' },
    rate: { type: 'string', default: '1000' },
    minutes: { type: 'string', default: '3' },
    speed: { type: 'string', default: '0.4' },
    'max-active': { type: 'string', default: '2000' },
    shards: { type: 'string' },
    tenants: { type: 'string', default: '20' },
    'fal-median': { type: 'string', default: '90' },
    'fal-sigma': { type: 'string', default: '0.4' },
    seed: { type: 'string', default: '1' },
    'follow-up-concurrency': { type: 'string', default: '2' },
  },
});
const number = (name: keyof typeof values) => {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};
if (values.pool !== 'sharded' && values.pool !== 'legacy') throw new Error('--pool is sharded or legacy');
const maxActive = number('max-active');
const options = {
  ratePerMinute: number('rate'),
  minutes: number('minutes'),
  speed: number('speed'),
  maxActive,
  shards: values.pool === 'legacy' ? 1 : values.shards ? number('shards') : poolShardCount(maxActive),
  tenants: number('tenants'),
  falMedianSeconds: number('fal-median'),
  falSigma: number('fal-sigma'),
  seed: number('seed'),
  followUpConcurrency: number('follow-up-concurrency'),
};
console.log(`simulate (${values.pool}): ${JSON.stringify(options)}`);
const report = await runSimulation({ ...options, log: (line) => console.log(`  ${line}`) });
const dir = resolve('.data', 'simulate');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${values.pool}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify({ options, report }, null, 2)}\n`);
print(report);
console.log(`\nreport: ${file}`);
// fal's answers still scheduled for videos past the drain are not waited for
process.exit(0);

function print(r: SimulationReport): void {
  const perVideo = (units: number) => (r.created ? (units / r.created).toFixed(1) : '-');
  console.log(
    `\narrived ${r.arrivals}, created ${r.created} (${r.waited} waited for a slot), refused ${JSON.stringify(r.refused)}`,
  );
  console.log(`generated ${r.generated}; steady throughput ${r.generatedPerMinute.toFixed(0)} videos/min`);
  console.log(`peak slots held ${r.peakActive}; still at fal when the run stopped ${r.atFal}`);
  console.log(
    `create latency p50 ${r.createLatencyMs.p50.toFixed(0)} ms, p99 ${r.createLatencyMs.p99.toFixed(0)} ms (wall)`,
  );
  console.log(
    `slot hand-off (${r.handOffMs.count} waiting jobs): p50 ${(r.handOffMs.p50 / 1000).toFixed(1)} s, p99 ${(r.handOffMs.p99 / 1000).toFixed(1)} s (simulated)`,
  );
  console.log('\nper table (WRU, RRU per video created):');
  for (const [table, use] of Object.entries(r.tables))
    console.log(
      `  ${table.padEnd(14)} ${perVideo(use.wru).padStart(7)} WRU ${perVideo(use.rru).padStart(7)} RRU`,
    );
  const throttled = r.partitions.filter((p) => p.throttles > 0).sort((a, b) => b.throttles - a.throttles);
  console.log(`\nthrottled partitions: ${throttled.length === 0 ? 'none' : ''}`);
  for (const p of throttled.slice(0, 10)) console.log(`  ${p.key.padEnd(40)} ${p.throttles} throttles`);
  const hottest = [...r.partitions].sort((a, b) => b.peakWruPerSecond - a.peakWruPerSecond).slice(0, 8);
  console.log(
    `\nbusiest partitions (peak per simulated second; limits ${PARTITION_WRU_PER_SECOND} WRU, ${PARTITION_RRU_PER_SECOND} RRU):`,
  );
  for (const p of hottest)
    console.log(
      `  ${p.key.padEnd(40)} ${String(p.peakWruPerSecond).padStart(6)} WRU/s ${String(p.peakRruPerSecond).padStart(6)} RRU/s  (${p.writes} writes, ${p.reads} reads)`,
    );
}
