import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { loadConfig } from '../../functions/core/config.ts';
import type { Deps } from '../../functions/core/deps.ts';
import { applyFalOutcome } from '../../functions/core/jobs/apply-fal-outcome.ts';
import { createVideo } from '../../functions/core/jobs/create-video.ts';
import { runFollowUp } from '../../functions/core/jobs/follow-up.ts';
import { reconcile } from '../../functions/core/jobs/reconcile.ts';
import { ACCOUNTS_TABLE } from '../../functions/core/store/dynamodb/accounts-table.ts';
import { JOBS_TABLE } from '../../functions/core/store/dynamodb/jobs-table.ts';
import { USAGE_TABLE } from '../../functions/core/store/dynamodb/usage-table.ts';
import type { UsageStore } from '../../functions/core/store/usage-store.ts';
import { buildDeps } from '../../functions/core/wiring.ts';
import { startDynamoProcess } from '../bench/dynamo-process.ts';
import {
  ensureAccountsTable,
  ensureJobsTable,
  ensureUsageTable,
  ensureWebhooksTable,
} from '../embedded/dynamodb.ts';
import { seededRandom } from '../seeded-random.ts';
import { PartitionMeter, type PartitionUse } from './capacity-meter.ts';
import { meterDynamo } from './metered-dynamo.ts';

export interface SimulationOptions {
  /** Videos created per simulated minute (Poisson arrivals). */
  ratePerMinute: number;
  /** Simulated minutes of arrivals; the run then drains until fal has answered every video. */
  minutes: number;
  /** Simulated seconds per real second. */
  speed: number;
  /** The deployment's cap and how many items its pool is split over (1: today's single item). */
  maxActive: number;
  shards: number;
  tenants: number;
  /** Follow-up messages worked at once (the stack's SQS event source allows 2). */
  followUpConcurrency: number;
  /** A line now and then while it runs. */
  log?: (line: string) => void;
  /** fal's time to a finished video: log-normal, median and spread (sigma of the log). */
  falMedianSeconds: number;
  falSigma: number;
  seed: number;
}

export interface SimulationReport {
  /** Creates started (the arrival process), and those that were recorded. */
  arrivals: number;
  created: number;
  waited: number;
  refused: Record<string, number>;
  generated: number;
  /** Videos fal finished per simulated minute while arrivals ran at the full rate (after warm-up). */
  generatedPerMinute: number;
  createLatencyMs: { p50: number; p99: number };
  /** Simulated ms from a slot freeing while jobs waited to a waiting job taking one (paired in order). */
  handOffMs: { count: number; p50: number; p99: number };
  peakActive: number;
  /** Slots still held when the run stopped (their fal time ran past the drain). */
  atFal: number;
  partitions: PartitionUse[];
  tables: Record<string, { wru: number; rru: number }>;
  realSeconds: number;
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
};

/** At most `size` tasks at once; the rest wait their turn in order (an event source's concurrency). */
function workers(size: number): { run(task: () => Promise<unknown>): Promise<unknown> } {
  let busy = 0;
  const queue: Array<() => void> = [];
  return {
    async run(task) {
      // a finishing task hands its place straight to the next in line
      if (busy >= size) await new Promise<void>((resolve) => queue.push(resolve));
      else busy++;
      try {
        return await task();
      } finally {
        const next = queue.shift();
        if (next) next();
        else busy--;
      }
    },
  };
}

const TABLES = { jobs: 'sim-jobs', accounts: 'sim-accounts', usage: 'sim-usage', webhooks: 'sim-webhooks' };

/**
 * Drives the real create pipeline, outcome handling, follow-up worker and reconciler against dynalite
 * metered like DynamoDB (capacity-meter.ts), with fal answering after log-normal times. Time is
 * compressed: the service's clock runs `speed` times faster than the wall's, and so does fal.
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationReport> {
  const started = Date.now();
  const simNow = () => started + (Date.now() - started) * options.speed;
  const realMs = (simMs: number) => simMs / options.speed;
  const random = seededRandom(options.seed);

  // dynalite in its own process, so the stand-in does not share the core's event loop
  const dynamo = await startDynamoProcess();
  const region = 'us-east-1';
  const credentials = { accessKeyId: 'sim', secretAccessKey: 'sim' };
  const setup = new DynamoDBClient({ region, endpoint: dynamo.endpoint, credentials });
  await ensureJobsTable(setup, TABLES.jobs);
  await ensureAccountsTable(setup, TABLES.accounts);
  await ensureUsageTable(setup, TABLES.usage);
  await ensureWebhooksTable(setup, TABLES.webhooks);

  // one process stands for many Lambda instances: it needs more sockets than one instance would
  const client = new DynamoDBClient({
    region,
    endpoint: dynamo.endpoint,
    credentials,
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 512 }) },
  });
  const meter = new PartitionMeter(simNow);
  meterDynamo(client, meter, {
    [TABLES.jobs]: {
      partitionKey: JOBS_TABLE.partitionKey,
      indexes: [JOBS_TABLE.byTenant, JOBS_TABLE.byDue],
    },
    [TABLES.usage]: { partitionKey: USAGE_TABLE.partitionKey, indexes: [] },
    [TABLES.accounts]: { partitionKey: ACCOUNTS_TABLE.partitionKey, indexes: [ACCOUNTS_TABLE.keysByTenant] },
  });

  const config = loadConfig({
    AWS_REGION: region,
    REELAY_DYNAMODB_ENDPOINT: dynamo.endpoint,
    REELAY_JOBS_TABLE: TABLES.jobs,
    REELAY_ACCOUNTS_TABLE: TABLES.accounts,
    REELAY_USAGE_TABLE: TABLES.usage,
    REELAY_WEBHOOKS_TABLE: TABLES.webhooks,
    REELAY_MAX_ACTIVE_JOBS: String(options.maxActive),
    REELAY_POOL_SHARDS: String(options.shards),
    // each tenant well inside its own caps: the deployment's pool is what is measured
    REELAY_DEFAULT_MAX_ACTIVE_JOBS: '10000',
    REELAY_DEFAULT_MAX_QUEUED_JOBS: '5000',
    REELAY_DEFAULT_DAILY_BUDGET_USD: '1000000',
    REELAY_DAILY_BUDGET_USD: '10000000',
    REELAY_ACTUAL_COST: 'off',
    PUBLIC_URL: 'https://reelay.sim.invalid',
    REELAY_API_KEYS: '',
  });

  // what the follow-up worker, fal and the hand-off measurement need to know, by job
  const waiting = new Set<string>();
  const frees: number[] = [];
  const handOffs: number[] = [];
  let active = 0;
  let peakActive = 0;
  let generated = 0;
  const generatedAt: number[] = [];
  const pending = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const settled = work.catch(() => undefined).finally(() => pending.delete(settled));
    pending.add(settled);
  };

  let deps: Deps;
  let stopped = false;
  const followUpWorkers = workers(options.followUpConcurrency);
  const fal: Deps['fal'] = {
    async submit(_endpoint, _input, webhookUrl) {
      const requestId = randomUUID();
      const jobId = new URL(webhookUrl ?? 'https://x.invalid').searchParams.get('job');
      const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      const simMs = options.falMedianSeconds * 1000 * Math.exp(options.falSigma * normal);
      if (jobId)
        setTimeout(
          () =>
            track(
              (async () => {
                if (stopped) return;
                const job = await deps.jobs.get(jobId);
                if (!job) return;
                const video = { url: `https://fal.media/files/${requestId}.mp4`, contentType: 'video/mp4' };
                const applied = await applyFalOutcome(deps, job, { kind: 'ok', requestId, video });
                if (applied === 'generated') {
                  generated++;
                  generatedAt.push(simNow());
                }
              })(),
            ),
          realMs(simMs),
        );
      return { requestId };
    },
    status: async () => 'IN_PROGRESS',
    result: async () => {
      throw new Error('the simulation answers by webhook only');
    },
    output: async () => {
      throw new Error('the simulation answers by webhook only');
    },
    cancel: async () => 'already_completed',
    upload: async () => 'https://fal.media/files/upload.png',
  };

  const base = buildDeps(
    config,
    {
      now: simNow,
      random,
      logger: new Logger({ serviceName: 'reelay-simulate', logLevel: 'CRITICAL' }),
      metrics: { count: () => undefined, emit: () => undefined },
      fal,
      archiveQueue: { enqueue: async () => undefined },
      eventQueue: {
        enqueue: async () => undefined,
        greet: async () => undefined,
        deadLetter: async () => undefined,
      },
      // SQS hands a message to the worker a few ms later; as many workers as the event source
      // allows run the real follow-up code
      followUps: {
        send: async (message) => {
          setTimeout(() => track(followUpWorkers.run(() => runFollowUp(deps, message))), 5);
        },
      },
    },
    {
      dynamodb: client,
      s3: new S3Client({ region, credentials }),
      sqs: new SQSClient({ region, credentials }),
    },
  );
  const usage: UsageStore = {
    ...base.usage,
    // observed, not changed: a slot freed while jobs wait, and a waiting job taking one
    async release(scope, jobId, ifSince) {
      const after = await base.usage.release(scope, jobId, ifSince);
      if (scope !== 'global' && 'shard' in scope && after) {
        active = Math.max(0, active - 1);
        if (waiting.size > 0) frees.push(simNow());
      }
      return after;
    },
    async takeSharedSlot(jobId, at, max) {
      const shard = await base.usage.takeSharedSlot(jobId, at, max);
      if (shard !== undefined && waiting.delete(jobId)) {
        const freed = frees.shift();
        if (freed !== undefined) handOffs.push(simNow() - freed);
      }
      if (shard !== undefined) peakActive = Math.max(peakActive, ++active);
      return shard;
    },
  };
  deps = { ...base, usage };

  // arrivals: Poisson at the rate, spread over tenants; each create is one API request's work
  const latencies: number[] = [];
  const refused: Record<string, number> = {};
  let created = 0;
  let waited = 0;
  const arrivalsEnd = started + options.minutes * 60_000;
  const reconcileEverySimMs = 60_000;
  let nextReconcile = started + reconcileEverySimMs;
  const progress = setInterval(() => {
    const minute = ((simNow() - started) / 60_000).toFixed(1);
    const throttles = meter.partitions().reduce((sum, p) => sum + p.throttles, 0);
    options.log?.(
      `t=${minute} min: arrived ${arrivals}, created ${created}, generated ${generated}, holding ${active}, in flight ${pending.size}, throttles ${throttles}`,
    );
  }, realMs(30_000));
  const gap = () => (-Math.log(1 - random()) * 60_000) / options.ratePerMinute;
  const arrive = () => {
    const tenant = `tenant-${Math.floor(random() * options.tenants)}`;
    track(
      (async () => {
        const t0 = performance.now();
        try {
          const { job } = await createVideo(deps, tenant, { prompt: 'a lighthouse at dusk', seconds: '4' });
          created++;
          latencies.push(performance.now() - t0);
          if (job.waitingSince !== undefined) {
            waited++;
            waiting.add(job.id);
          }
        } catch (error) {
          const code = (error as { code?: string }).code ?? (error as Error).name;
          refused[code] = (refused[code] ?? 0) + 1;
        }
      })(),
    );
  };
  // arrivals keep their schedule when the process lags: every one due by now starts now
  let nextArrival = started + gap();
  let arrivals = 0;
  while (nextArrival < arrivalsEnd) {
    const wait = realMs(nextArrival - simNow());
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    while (nextArrival <= simNow() && nextArrival < arrivalsEnd) {
      arrive();
      arrivals++;
      nextArrival += gap();
    }
    if (simNow() >= nextReconcile) {
      nextReconcile += reconcileEverySimMs;
      track(reconcile(deps, { batch: config.reconcileBatch, deadline: simNow() + 60_000 }));
    }
  }
  // drain: fal answers the rest for one median time more (a reconciler pass a minute, as on AWS);
  // what is still at fal then is reported, not waited for
  const drainUntil = arrivalsEnd + options.falMedianSeconds * 1000;
  while (generated < created && simNow() < drainUntil) {
    await new Promise((resolve) =>
      setTimeout(resolve, realMs(Math.min(reconcileEverySimMs, drainUntil - simNow()))),
    );
    track(reconcile(deps, { batch: config.reconcileBatch, deadline: simNow() + 60_000 }));
  }
  const atFal = active;
  stopped = true;
  while (pending.size > 0) await Promise.race(pending);
  clearInterval(progress);
  await dynamo.close();

  // throughput while arrivals ran at the full rate: after the first median fal time and a half
  const steadyFrom = started + options.falMedianSeconds * 1500;
  const steady = generatedAt.filter((at) => at >= steadyFrom && at < arrivalsEnd);
  const steadyMinutes = Math.max(1e-9, (arrivalsEnd - steadyFrom) / 60_000);
  const tables: Record<string, { wru: number; rru: number }> = {};
  for (const use of meter.partitions()) {
    const table = use.key.split('|')[0] as string;
    tables[table] ??= { wru: 0, rru: 0 };
    tables[table].wru += use.wru;
    tables[table].rru += use.rru;
  }
  return {
    arrivals,
    created,
    waited,
    refused,
    generated,
    generatedPerMinute: steady.length / steadyMinutes,
    createLatencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
    handOffMs: { count: handOffs.length, p50: percentile(handOffs, 50), p99: percentile(handOffs, 99) },
    peakActive,
    atFal,
    partitions: meter.partitions(),
    tables,
    realSeconds: (Date.now() - started) / 1000,
  };
}
