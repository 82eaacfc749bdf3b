import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { assetCopies, FUNCTION_NAMES, type FunctionName, handlerEntry } from '../../infra/bundling.ts';
import { type Bundle, bundle } from '../../infra/local-bundle.ts';
import { BENCH_DIR } from './paths.ts';
import { median, round } from './stats.ts';
import type { Bench, BenchResult } from './types.ts';

const RUNS = 15;
const BARE = 'bare handler (floor)';

/** What a Lambda container has at init: its env, no network until invoked (as in the bundle budget test). */
const LAMBDA_ENV = {
  PATH: process.env.PATH,
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  REELAY_JOBS_TABLE: 'reelay-jobs',
  REELAY_ARCHIVE_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/reelay-archive',
  FAL_KEY_SECRET_ID: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:fal-AbCdEf',
  PUBLIC_URL: 'https://example.execute-api.us-east-1.amazonaws.com',
};

interface Timing {
  importMs: number;
  processMs: number;
}

/** One fresh Node process: the import's own time (perf_hooks inside) and the whole process, spawn to exit. */
async function importOnce(file: string): Promise<Timing> {
  const script = `const t0 = performance.now(); const m = await import(${JSON.stringify(pathToFileURL(file).href)}); if (typeof m.handler !== 'function') process.exit(3); console.log(performance.now() - t0);`;
  const started = performance.now();
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: LAMBDA_ENV,
  });
  return { importMs: Number(stdout.trim()), processMs: performance.now() - started };
}

async function run(): Promise<BenchResult> {
  const outdir = join(BENCH_DIR, 'bundles');
  const entries: Array<[string, string]> = [
    [BARE, fileURLToPath(new URL('./bare-handler.ts', import.meta.url))],
    ...FUNCTION_NAMES.map((name): [string, string] => [name, handlerEntry(name)]),
  ];
  const bundles = new Map<string, Bundle>();
  for (const [name, entry] of entries) {
    // a function's page files go beside its bundle, as the stack ships them (the API's studio)
    const assets = (FUNCTION_NAMES as readonly string[]).includes(name)
      ? assetCopies(name as FunctionName)
      : [];
    bundles.set(name, await bundle(entry, join(outdir, name.split(' ')[0] as string, 'index.mjs'), assets));
  }

  const timings = new Map<string, Timing[]>(entries.map(([name]) => [name, []]));
  // round-robin, so drift on the machine spreads over every bundle alike
  for (let i = 0; i < RUNS; i++)
    for (const [name] of entries)
      timings.get(name)?.push(await importOnce((bundles.get(name) as Bundle).file));

  const measured = entries.map(([name]) => {
    const b = bundles.get(name) as Bundle;
    const t = timings.get(name) as Timing[];
    return {
      name,
      rawBytes: b.raw,
      gzipBytes: b.gzip,
      importMsMedian: round(median(t.map((x) => x.importMs)), 1),
      processMsMedian: round(median(t.map((x) => x.processMs)), 1),
      runs: t.length,
    };
  });
  const floor = measured[0] as (typeof measured)[number];
  const worst = measured.slice(1).reduce((a, b) => (b.importMsMedian > a.importMsMedian ? b : a));
  const ratio = round(floor.importMsMedian / worst.importMsMedian, 3);
  const processRatio = round(floor.processMsMedian / worst.processMsMedian, 2);
  return {
    columns: [
      'bundle',
      'raw KiB',
      'gzip KiB',
      'import ms (median)',
      'process ms (median)',
      'import - floor ms',
    ],
    rows: measured.map((m) => [
      m.name,
      round(m.rawBytes / 1024, 1),
      round(m.gzipBytes / 1024, 1),
      m.importMsMedian,
      m.processMsMedian,
      round(m.importMsMedian - floor.importMsMedian, 1),
    ]),
    notes: [
      `median of ${RUNS} fresh Node processes each; "process" is spawn to exit, Node's own start included`,
      `ratio ${ratio} (bare handler's import / slowest function's, ${worst.name}: ${floor.importMsMedian} / ${worst.importMsMedian} ms); counting Node's own start, ${processRatio}`,
    ],
    data: { runs: RUNS, bundles: measured, ratio, processRatio },
  };
}

export const coldStart: Bench = { name: 'cold-start', title: '1. Cold start', timeoutMs: 120_000, run };
