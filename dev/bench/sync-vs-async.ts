import { createApiApp } from '../../functions/api/app.ts';
import { startBenchStack } from './bench-stack.ts';
import { median, round } from './stats.ts';
import { createSyncApp } from './sync-handler.ts';
import type { Bench, BenchResult } from './types.ts';
import { reelayUser, syncUser, type UserOutcome } from './users.ts';
import { type PoolOptions, servePooled } from './worker-pool.ts';

/** fal-like timing: 300 ms in fal's queue, 30 s of generation; fal.subscribe polls every 500 ms. */
const GENERATION_MS = 30_000;
const FAL_POLL_MS = 500;
/** The same pool for both: 10 workers, and a 60 s timeout (API Gateway's 29 s would fail every sync request). */
const POOL: PoolOptions = { workers: 10, timeoutMs: 60_000 };
const API_GATEWAY: PoolOptions = { workers: 10, timeoutMs: 29_000 };
const CLIENT_POLL_MS = 2_000;
/** Concurrent users per step; a pattern that failed a step is not tried at the next. */
const STEPS: Array<{ sync: number; reelay: number }> = [
  { sync: 10, reelay: 10 },
  { sync: 11, reelay: 200 },
];

interface StepResult {
  pattern: string;
  users: number;
  served: number;
  failed: number;
  medianMs: number;
  requests: number;
  failures: string[];
}

function tally(pattern: string, users: number, outcomes: UserOutcome[]): StepResult {
  const served = outcomes.filter((o) => o.ok);
  return {
    pattern,
    users,
    served: served.length,
    failed: users - served.length,
    medianMs: round(median(outcomes.map((o) => o.ms)), 0),
    requests: outcomes.reduce((sum, o) => sum + o.requests, 0),
    failures: [...new Set(outcomes.flatMap((o) => (o.failure ? [o.failure] : [])))],
  };
}

async function run(): Promise<BenchResult> {
  const stack = await startBenchStack({ emulator: { generationMs: GENERATION_MS } });
  const falUrl = stack.emulator?.url as string;
  const sync = await servePooled(createSyncApp(falUrl, FAL_POLL_MS).fetch, POOL);
  const syncBehindApiGateway = await servePooled(createSyncApp(falUrl, FAL_POLL_MS).fetch, API_GATEWAY);
  // the real create and retrieve routes; fal's webhooks reach the stack's own server, as they reach another function on AWS
  const reelay = await servePooled(createApiApp(stack.deps).fetch, POOL);
  const results: StepResult[] = [];
  try {
    let syncFailed = false;
    let reelayFailed = false;
    for (const [index, step] of STEPS.entries()) {
      const runs: Array<Promise<StepResult>> = [];
      if (!syncFailed)
        runs.push(
          Promise.all(
            Array.from({ length: step.sync }, (_, i) => syncUser(sync.url, i, POOL.timeoutMs + 5_000)),
          ).then((o) => tally('sync (fal.subscribe in the handler)', step.sync, o)),
        );
      if (index === 0)
        runs.push(
          syncUser(syncBehindApiGateway.url, 0, API_GATEWAY.timeoutMs + 5_000).then((o) =>
            tally('sync behind a 29 s timeout', 1, [o]),
          ),
        );
      if (!reelayFailed)
        runs.push(
          Promise.all(
            Array.from({ length: step.reelay }, (_, i) =>
              reelayUser(reelay.url, stack.apiKey, index * 10_000 + i, {
                pollMs: CLIENT_POLL_MS,
                limitMs: POOL.timeoutMs + 5_000,
                deadlineMs: GENERATION_MS + 60_000,
              }),
            ),
          ).then((o) => tally('Reelay (create + poll)', step.reelay, o)),
        );
      for (const result of await Promise.all(runs)) {
        results.push(result);
        if (result.failed > 0 && result.pattern.startsWith('sync (')) syncFailed = true;
        if (result.failed > 0 && result.pattern.startsWith('Reelay')) reelayFailed = true;
      }
    }
    const best = (prefix: string) =>
      Math.max(
        0,
        ...results.filter((r) => r.pattern.startsWith(prefix) && r.failed === 0).map((r) => r.users),
      );
    const syncMax = best('sync (');
    const reelayMax = best('Reelay');
    const reelayTopped = !reelayFailed;
    const ratio = round(reelayMax / Math.max(syncMax, 1), 1);
    return {
      columns: [
        'pattern',
        'concurrent users',
        'served',
        'failed',
        'median s to video',
        'HTTP requests',
        'failures',
      ],
      rows: results.map((r) => [
        r.pattern,
        r.users,
        r.served,
        r.failed,
        round(r.medianMs / 1000, 1),
        r.requests,
        r.failures.join(', ') || '-',
      ]),
      notes: [
        `pool: ${POOL.workers} workers, ${POOL.timeoutMs / 1000} s timeout for both; fal emulator: ${GENERATION_MS / 1000} s generation, 300 ms queue, fal.subscribe polling every ${FAL_POLL_MS} ms; Reelay users poll every ${CLIENT_POLL_MS / 1000} s`,
        `most users served with no failure: sync ${syncMax}, Reelay ${reelayMax}${reelayTopped ? ' (the largest step tried; its limit is higher)' : ''}`,
        `ratio ${reelayTopped ? '≥ ' : ''}${ratio}: the sync pattern ties a worker to each user for the whole generation, so it serves at most one user per worker; Reelay's workers are busy only for milliseconds per request`,
      ],
      data: {
        pool: POOL,
        apiGateway: API_GATEWAY,
        generationMs: GENERATION_MS,
        falPollMs: FAL_POLL_MS,
        clientPollMs: CLIENT_POLL_MS,
        steps: STEPS,
        results,
        syncMax,
        reelayMax,
        reelayTopped,
        ratio,
      },
    };
  } finally {
    await Promise.all([sync.close(), syncBehindApiGateway.close(), reelay.close()]);
    await stack.close();
  }
}

export const syncVsAsync: Bench = {
  name: 'sync-vs-async',
  title: '6. Sync vs Reelay under a fixed worker pool',
  timeoutMs: 300_000,
  run,
};
