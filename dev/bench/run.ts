import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { machine } from './machine.ts';
import { BENCH_DIR } from './paths.ts';
import { formatTable } from './table.ts';
import type { Bench, BenchResult } from './types.ts';

// set before the benchmarks load the service: its logger and the AWS SDK read these at import (POWERTOOLS_LOG_LEVEL=WARN shows the service's warnings)
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const LOADERS: Record<string, () => Promise<Bench>> = {
  'cold-start': async () => (await import('./cold-start.ts')).coldStart,
  webhook: async () => (await import('./webhook-ingest.ts')).webhookIngest,
  create: async () => (await import('./create.ts')).create,
  archive: async () => (await import('./archive.ts')).archive,
  e2e: async () => (await import('./end-to-end.ts')).endToEnd,
  'sync-vs-async': async () => (await import('./sync-vs-async.ts')).syncVsAsync,
  scenes: async () => (await import('./scenes.ts')).scenes,
};

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** `npm run bench [-- name ...]`: runs the chosen benchmarks (all by default) one after another. */
async function main(): Promise<number> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in LOADERS));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(LOADERS).join(', ')}`);
    return 2;
  }
  const names = asked.length > 0 ? asked : Object.keys(LOADERS);
  const host = machine();
  console.log(
    `Reelay benchmarks on ${host.cores} cores (${host.cpu}), ${host.memoryGiB} GiB, Node ${host.node}, load average ${host.loadAverage}\n`,
  );
  const started = performance.now();
  const results: Record<string, BenchResult & { seconds: number; loadAverageAfter: number }> = {};
  let failed = 0;
  for (const name of names) {
    const bench = await (LOADERS[name] as () => Promise<Bench>)();
    console.log(`== ${bench.title} (${bench.name})`);
    const t0 = performance.now();
    try {
      const result = await withTimeout(bench.run(), bench.timeoutMs, bench.name);
      const seconds = Math.round((performance.now() - t0) / 100) / 10;
      results[name] = { ...result, seconds, loadAverageAfter: machine().loadAverage };
      console.log(formatTable(result.columns, result.rows));
      for (const note of result.notes) console.log(`  ${note}`);
      const loadAfter = machine().loadAverage;
      console.log(`  (${seconds} s; load average ${loadAfter} on ${host.cores} cores)\n`);
      writeFileSync(
        join(BENCH_DIR, `${name}.json`),
        `${JSON.stringify({ machine: host, loadAverageAfter: loadAfter, at: new Date().toISOString(), seconds, ...result }, null, 2)}\n`,
      );
    } catch (error) {
      failed++;
      console.error(`  FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
  }
  const ratios = Object.entries(results).map(([name, r]) => [name, Number(r.data.ratio)] as const);
  console.log(`ratios (Reelay against its baseline): ${ratios.map(([n, r]) => `${n} ${r}`).join(', ')}`);
  const weakest = ratios.filter(([, r]) => r < 1).sort((a, b) => a[1] - b[1])[0];
  if (weakest) console.log(`weakest: ${weakest[0]} at ${weakest[1]}`);
  const totalSeconds = Math.round((performance.now() - started) / 100) / 10;
  writeFileSync(
    join(BENCH_DIR, 'latest.json'),
    `${JSON.stringify({ machine: host, at: new Date().toISOString(), totalSeconds, results }, null, 2)}\n`,
  );
  console.log(
    `${names.length - failed} of ${names.length} benchmarks done in ${totalSeconds} s; JSON in ${BENCH_DIR}`,
  );
  return failed > 0 ? 1 : 0;
}

// exit explicitly: embedded servers and keep-alive sockets must not keep a finished run alive
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
