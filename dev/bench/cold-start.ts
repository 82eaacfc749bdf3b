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

const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const BARE = 'bare handler (floor)';
const PEER = 'peer webhook receiver';
const PEER_TRACED = 'peer webhook receiver + Tracer';
/** A peer for the archiver alone: the receiver has no S3 client, an archiver cannot do without one. */
const PEER_ARCHIVER = 'peer archiver (S3 + lib-storage)';

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
  // as Lambda sets it: with the stack's Tracing.ACTIVE, Powertools traces (and loads the X-Ray SDK)
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
};
/** The same, with tracing turned off by Powertools' own switch (functions/core/tracer.ts). */
const UNTRACED_ENV = { ...LAMBDA_ENV, POWERTOOLS_TRACE_ENABLED: 'false' };
/** The functions the issue sets a goal for against the peer, and that goal (import ÷ peer's import). */
const GOALS: Partial<Record<FunctionName, number>> = {
  api: 1.6,
  'fal-webhook': 1.25,
  archiver: 1.25,
  reconciler: 1.25,
};
const UNTRACED = ' (tracing off)';
/**
 * The API builds its /v1 routes on first use, so its import alone would hide that cost: this row also
 * serves GET /openapi.json through the handler (an API Gateway event, no network), which builds every
 * /v1 route and the document: more than any one first request builds.
 */
const API_FIRST = 'api (tracing off) + first GET /openapi.json';
const OPENAPI_EVENT = {
  version: '2.0',
  routeKey: '$default',
  rawPath: '/openapi.json',
  rawQueryString: '',
  headers: { host: 'example.com' },
  requestContext: {
    http: {
      method: 'GET',
      path: '/openapi.json',
      protocol: 'HTTP/1.1',
      sourceIp: '127.0.0.1',
      userAgent: 'bench',
    },
    domainName: 'example.com',
    requestId: 'bench',
    stage: '$default',
    timeEpoch: 0,
  },
  isBase64Encoded: false,
};
const FIRST_REQUEST = `const r = await m.handler(${JSON.stringify(OPENAPI_EVENT)}, { getRemainingTimeInMillis: () => 29000 }); if (r.statusCode !== 200) process.exit(4);`;

interface Timing {
  importMs: number;
  importCpuMs: number;
  processMs: number;
}

/** One fresh Node process: the import's own time (perf_hooks inside) and the whole process, spawn to exit. */
async function importOnce(file: string, env: Record<string, string | undefined>, then = ''): Promise<Timing> {
  // CPU time as well as wall time: on a shared machine the wall clock also counts other processes' turns
  const script = `const c0 = process.cpuUsage(); const t0 = performance.now(); const m = await import(${JSON.stringify(pathToFileURL(file).href)}); ${then} const t = performance.now() - t0; const c = process.cpuUsage(c0); if (typeof m.handler !== 'function') process.exit(3); console.log(t, (c.user + c.system) / 1000);`;
  const started = performance.now();
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env,
  });
  const [importMs, importCpuMs] = stdout.trim().split(' ').map(Number);
  return {
    importMs: Number(importMs),
    importCpuMs: Number(importCpuMs),
    processMs: performance.now() - started,
  };
}

async function run(): Promise<BenchResult> {
  const outdir = join(BENCH_DIR, 'bundles');
  const entries: Array<[string, string]> = [
    [BARE, fileURLToPath(new URL('./bare-handler.ts', import.meta.url))],
    [PEER, fileURLToPath(new URL('./peers/webhook-handler.ts', import.meta.url))],
    [PEER_TRACED, fileURLToPath(new URL('./peers/webhook-handler-traced.ts', import.meta.url))],
    [PEER_ARCHIVER, fileURLToPath(new URL('./peers/archive-handler.ts', import.meta.url))],
    ...FUNCTION_NAMES.map((name): [string, string] => [name, handlerEntry(name)]),
  ];
  const bundles = new Map<string, Bundle>();
  for (const [name, entry] of entries) {
    // a function's page files go beside its bundle, as the stack ships them (the API's studio)
    const assets = (FUNCTION_NAMES as readonly string[]).includes(name)
      ? assetCopies(name as FunctionName)
      : [];
    bundles.set(name, await bundle(entry, join(outdir, name.replace(/\W+/g, '-').replace(/-$/, '')), assets));
  }

  // each function as deployed (X-Ray on), and those with a goal also with tracing off
  const variants: Array<[string, string, Record<string, string | undefined>]> = [
    ...entries.map(([name]): [string, string, typeof LAMBDA_ENV] => [name, name, LAMBDA_ENV]),
    ...Object.keys(GOALS).map((name): [string, string, typeof UNTRACED_ENV] => [
      `${name}${UNTRACED}`,
      name,
      UNTRACED_ENV,
    ]),
    [API_FIRST, 'api', UNTRACED_ENV],
  ];
  const timings = new Map<string, Timing[]>(variants.map(([name]) => [name, []]));
  // round-robin, so drift on the machine spreads over every bundle alike
  for (let i = 0; i < RUNS; i++)
    for (const [name, bundleName, env] of variants)
      timings
        .get(name)
        ?.push(
          await importOnce(
            (bundles.get(bundleName) as Bundle).file,
            env,
            name === API_FIRST ? FIRST_REQUEST : '',
          ),
        );

  const measured = variants.map(([name, bundleName]) => {
    const b = bundles.get(bundleName) as Bundle;
    const t = timings.get(name) as Timing[];
    return {
      name,
      rawBytes: b.raw,
      gzipBytes: b.gzip,
      totalBytes: b.totalRaw,
      importMsMedian: round(median(t.map((x) => x.importMs)), 1),
      importCpuMsMedian: round(median(t.map((x) => x.importCpuMs)), 1),
      processMsMedian: round(median(t.map((x) => x.processMs)), 1),
      runs: t.length,
    };
  });
  type Measured = (typeof measured)[number];
  const named = (name: string) => measured.find((m) => m.name === name) as Measured;
  const floor = named(BARE);
  const peer = named(PEER);
  const tracedPeer = named(PEER_TRACED);
  const peerArchiver = named(PEER_ARCHIVER);
  const functions = measured.filter(
    (m) => (FUNCTION_NAMES as readonly string[]).includes(m.name) && m.name !== API_FIRST,
  );
  const worst = functions.reduce((a, b) => (b.importMsMedian > a.importMsMedian ? b : a));
  const ratio = round(floor.importMsMedian / worst.importMsMedian, 3);
  const processRatio = round(floor.processMsMedian / worst.processMsMedian, 2);
  // against the peer in CPU time: the wall clock on a shared machine mostly measures the neighbours
  const against = (m: Measured, p: Measured) => round(m.importCpuMsMedian / p.importCpuMsMedian, 2);
  // a function that traces pays for the Tracer as a peer that traces does: like against like
  const samePeer = (m: Measured) => (m.name.endsWith(UNTRACED) ? peer : tracedPeer);
  const goalOf = (name: string) => GOALS[name.replace(UNTRACED, '') as FunctionName];
  // the goal is judged on the issue's peer (no tracing) against each function with tracing off
  const peerGoals = measured
    .filter((m) => goalOf(m.name) !== undefined)
    .map((m) => ({
      name: m.name,
      times: against(m, samePeer(m)),
      against: samePeer(m).name,
      goal: goalOf(m.name) as number,
    }));
  const met = peerGoals.filter((g) => g.times <= g.goal).map((g) => g.name);
  // the archiver against a peer that, like it, carries S3's client: what of its ratio is Reelay's own
  const archiverOwn = against(named(`archiver${UNTRACED}`), peerArchiver);
  return {
    columns: [
      'bundle',
      'KiB at init',
      'gzip KiB at init',
      'KiB in all',
      'import ms (median)',
      'process ms (median)',
      'import - floor ms',
      'import CPU ms (median)',
      'import CPU ÷ peer',
      'import CPU ÷ peer + Tracer',
    ],
    rows: measured.map((m) => [
      m.name,
      round(m.rawBytes / 1024, 1),
      round(m.gzipBytes / 1024, 1),
      round(m.totalBytes / 1024, 1),
      m.importMsMedian,
      m.processMsMedian,
      round(m.importMsMedian - floor.importMsMedian, 1),
      m.importCpuMsMedian,
      m === floor ? '' : against(m, peer),
      m === floor || m.name.endsWith(UNTRACED) || m.name === API_FIRST || m === peer || m === peerArchiver
        ? ''
        : against(m, tracedPeer),
    ]),
    notes: [
      `median of ${RUNS} fresh Node processes each; "process" is spawn to exit, Node's own start included`,
      `ratio ${ratio} (bare handler's import / slowest function's, ${worst.name}: ${floor.importMsMedian} / ${worst.importMsMedian} ms); counting Node's own start, ${processRatio}`,
      `${API_FIRST}: the import and then the request that builds every /v1 route and the OpenAPI document (the API builds its routes on first use; a first GET /v1/videos/{id} builds the routes but not the document)`,
      `"at init": index.mjs and the chunks it imports statically (what a cold start reads); "in all": with the chunks only import() loads`,
      `against the peer receiver (Hono + lib-dynamodb + client-sqs + Powertools Logger, same esbuild options), untraced against it, traced against it with Powertools' Tracer: ${peerGoals.map((g) => `${g.name} ${g.times}x (goal ${g.goal}x)`).join(', ')}; met: ${met.join(', ') || 'none'}`,
      `archiver (tracing off) against ${PEER_ARCHIVER} (lib-dynamodb + client-s3 + lib-storage + Powertools Logger: GetItem, stream the video into S3, UpdateItem): ${archiverOwn}x; the peer archiver against the peer receiver: ${against(peerArchiver, peer)}x`,
    ],
    data: { runs: RUNS, bundles: measured, ratio, processRatio, peerGoals, archiverOwn },
  };
}

export const coldStart: Bench = { name: 'cold-start', title: '1. Cold start', timeoutMs: 180_000, run };
