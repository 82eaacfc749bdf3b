import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Job } from '../../functions/core/domain/job.ts';
import { s3Client, sqsClient } from '../../functions/core/wiring/aws-clients.ts';
import { buildDeps } from '../../functions/core/wiring.ts';
import type { FunctionName } from '../../infra/bundling.ts';
import { startBenchStack } from './bench-stack.ts';
import { inChild } from './child.ts';
import { type CountingClient, countingClient } from './counting-dynamo.ts';
import type { LoadRequest } from './load/protocol.ts';
import { runLoad } from './load/run-load.ts';
import { summarize } from './load/summary.ts';
import type { PollingSample } from './polling-clients.ts';
import { round } from './stats.ts';
import type { Bench, BenchResult } from './types.ts';

const JOBS = 1_000;
const CLIENTS = 32;
const DRAIN_LIMIT_MS = 180_000;
const POLLING = { jobs: 10, generationMs: 60_000, pollIntervalMs: 500 };
const POLLING_CHILD = fileURLToPath(new URL('./polling-child.ts', import.meta.url));

async function allJobs(store: {
  listByTenant: (
    t: string,
    q: { limit: number; order: 'asc'; after?: string },
  ) => Promise<{ jobs: Job[]; hasMore: boolean }>;
}) {
  const jobs: Job[] = [];
  for (let after: string | undefined; ; ) {
    const page = await store.listByTenant('local', { limit: 100, order: 'asc', ...(after && { after }) });
    jobs.push(...page.jobs);
    if (!page.hasMore) return jobs;
    after = page.jobs.at(-1)?.id;
  }
}

async function run(): Promise<BenchResult> {
  // queue wait as fal's default emulation (300 ms), generation 0: what is left is Reelay's own work
  // every function gets its own DynamoDB client, counted by SDK middleware on every table it touches
  const counters = new Map<FunctionName, CountingClient>();
  // ids, not saves: an ended job is written again (its event's delivery), and must count once
  const ended = { completed: new Set<string>(), failed: new Set<string>() };
  const stack = await startBenchStack({
    emulator: { generationMs: 0 },
    depsFor: (fn, shared) => {
      const { config } = shared;
      const counter = countingClient(config.endpoints.dynamodb as string, config.region);
      counters.set(fn, counter);
      const { archiveQueue, followUps, eventQueue, metrics, logger, now } = shared;
      const deps = buildDeps(
        config,
        { archiveQueue, followUps, eventQueue, metrics, logger, now },
        { dynamodb: counter.client, s3: s3Client(config), sqs: sqsClient(config) },
      );
      const { jobs } = deps;
      // the jobs written terminal, so the drain is waited for without reading
      deps.jobs = {
        ...jobs,
        async save(next) {
          const saved = await jobs.save(next);
          if (saved && (next.state === 'completed' || next.state === 'failed'))
            ended[next.state].add(next.id);
          return saved;
        },
      };
      return deps;
    },
  });
  const emulator = stack.emulator;
  if (!emulator) throw new Error('the end-to-end benchmark needs the fal emulator');
  const tables: Record<string, string> = {
    [stack.deps.config.jobsTable]: 'jobs',
    [stack.deps.config.accountsTable]: 'accounts',
    [stack.deps.config.usageTable]: 'usage',
    [stack.deps.config.webhooks.table]: 'webhooks',
  };
  // the dev key was written before the run; count from the first create on
  for (const counter of counters.values()) counter.reset();
  // the polling pattern takes its 60 s meanwhile, in a process of its own: a busy event loop would poll less often
  const polling = inChild<typeof POLLING, PollingSample>(POLLING_CHILD, POLLING, {
    limitMs: POLLING.generationMs + 60_000,
  });
  try {
    const creates: LoadRequest[] = Array.from({ length: JOBS }, (_, i) => ({
      method: 'POST',
      path: '/v1/videos',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: `a red fox in fresh snow, take ${i}`, seconds: '4' }),
    }));
    let started = 0;
    const load = await runLoad(
      {
        port: Number(new URL(stack.url).port),
        requests: creates,
        mode: { kind: 'closed', concurrency: CLIENTS },
        maxMs: DRAIN_LIMIT_MS,
        requestTimeoutMs: 30_000,
      },
      () => {
        started = performance.now();
      },
    );
    const created = summarize(load);
    const deadline = started + DRAIN_LIMIT_MS;
    const endedCount = () => ended.completed.size + ended.failed.size;
    while (endedCount() < created.ok) {
      if (performance.now() > deadline) throw new Error('jobs did not drain in time');
      await new Promise((r) => setTimeout(r, 10));
    }
    const drainMs = performance.now() - started;
    const byFunction = Object.fromEntries([...counters].map(([fn, counter]) => [fn, counter.counts()]));
    const dynamo: Record<string, number> = {};
    for (const counts of Object.values(byFunction))
      for (const [key, n] of Object.entries(counts)) {
        const [op, table = ''] = key.split(' ');
        const named = `${op} ${tables[table] ?? table}`;
        dynamo[named] = (dynamo[named] ?? 0) + n;
      }
    const queue = stack.queue.counts();
    const events = stack.eventQueue.counts();
    const followUps = stack.followUps.counts();
    const fal = emulator.stats();

    const jobs = await allJobs(stack.deps.jobs);
    const completed = jobs.filter((j) => j.state === 'completed').length;
    const sample = await polling;

    const dynamoTotal = Object.values(dynamo).reduce((a, b) => a + b, 0);
    const reelayFalCalls = fal.submits + fal.statusCalls + fal.resultCalls + fal.webhookAttempts;
    const per = (n: number) => round(n / JOBS, 2);
    const ratio = round(sample.requestsPerJob / per(reelayFalCalls), 1);
    return {
      columns: ['measure', 'Reelay (webhooks)', 'polling clients (fal.subscribe)'],
      rows: [
        ['jobs completed', `${completed} of ${JOBS}`, `${sample.jobs} sampled`],
        ['time to drain, s (generation 0)', round(drainMs / 1000, 1), ''],
        ['jobs per second', round(completed / (drainMs / 1000), 1), ''],
        ['create p50 / p99 ms', `${created.p50Ms} / ${created.p99Ms}`, ''],
        ['DynamoDB requests per job (all tables, all functions)', per(dynamoTotal), ''],
        [
          'queue messages per job (sent: archive, events, follow-up)',
          per(queue.sent + events.sent + followUps.sent),
          '',
        ],
        [
          'function invocations per job',
          per(JOBS + fal.webhookAttempts + queue.received + events.received + followUps.received),
          '',
        ],
        [
          `HTTP requests with fal per job (${POLLING.generationMs / 1000} s generation for polling)`,
          per(reelayFalCalls),
          round(sample.requestsPerJob, 1),
        ],
      ],
      notes: [
        `DynamoDB per job by operation and table: ${Object.entries(dynamo)
          .sort((a, b) => b[1] - a[1])
          .map(([op, n]) => `${op} ${per(n)}`)
          .join(', ')}`,
        `DynamoDB per job by function: ${Object.entries(byFunction)
          .map(([fn, counts]) => `${fn} ${per(Object.values(counts).reduce((a, b) => a + b, 0))}`)
          .join(', ')}`,
        `queue messages per job: archive ${per(queue.sent)}, events ${per(events.sent)}, follow-up ${per(followUps.sent)}`,
        `invocations per job: api ${per(JOBS)}, fal-webhook ${per(fal.webhookAttempts)}, archiver ${per(queue.received)}, event-deliverer ${per(events.received)}, follow-up ${per(followUps.received)}, reconciler 0 (not needed: every webhook arrived; on AWS it runs once a minute whatever the load)`,
        `with fal: Reelay ${per(fal.submits)} submit + ${per(fal.webhookAttempts)} webhook + ${per(fal.statusCalls + fal.resultCalls)} polls; fal.subscribe at ${POLLING.pollIntervalMs} ms: ${round(sample.requestsPerJob, 1)} (submit, ${round(sample.statusCalls / sample.jobs, 1)} status, ${round(sample.resultCalls / sample.jobs, 1)} result)`,
        `for the ${JOBS} jobs: about ${Math.round(sample.requestsPerJob * JOBS).toLocaleString('en')} requests from polling clients against Reelay's ${reelayFalCalls.toLocaleString('en')}`,
        `ratio ${ratio}: a polling client makes ${ratio}x the HTTP requests per video that Reelay exchanges with fal, and holds a process open for the whole generation`,
      ],
      data: {
        jobs: JOBS,
        clients: CLIENTS,
        drainMs,
        completed,
        created,
        dynamo,
        dynamoByFunction: byFunction,
        queue,
        events,
        followUps,
        fal,
        polling: sample,
        ratio,
      },
    };
  } finally {
    await polling.catch(() => undefined);
    await stack.close();
  }
}

export const endToEnd: Bench = { name: 'e2e', title: '5. End to end', timeoutMs: 240_000, run };
