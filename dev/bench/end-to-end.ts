import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Job } from '../../functions/core/domain/job.ts';
import { sqsClient } from '../../functions/core/wiring/aws-clients.ts';
import { s3Client } from '../../functions/core/wiring/s3.ts';
import { buildDeps } from '../../functions/core/wiring.ts';
import type { FunctionName } from '../../infra/bundling.ts';
import { startBenchStack } from './bench-stack.ts';
import { inChild } from './child.ts';
import { type CountingClient, countingClient } from './counting-dynamo.ts';
import type { LoadRequest } from './load/protocol.ts';
import { runLoad } from './load/run-load.ts';
import { summarize } from './load/summary.ts';
import { type CostProbe, type JobCosts, startCounting } from './multi-step-costs.ts';
import type { PollingSample } from './polling-clients.ts';
import { round } from './stats.ts';
import type { Bench, BenchResult } from './types.ts';

/** 500 since each clip also makes its thumbnail (issue 13): 1,000 took longer than the run allows on a shared machine. */
const JOBS = Number(process.env.BENCH_E2E_JOBS ?? 500);
const CLIENTS = 32;
const DRAIN_LIMIT_MS = 240_000;
const POLLING = { jobs: 10, generationMs: 60_000, pollIntervalMs: 500 };
/** Extensions and three-scene sequences (chained and parallel), each kind counted on its own after the single clips. */
const MULTI_STEP = { jobs: 12, limitMs: 120_000 };
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
  const probe: CostProbe = {
    counters,
    tables,
    emulator,
    queues: { archive: stack.queue, events: stack.eventQueue, followUps: stack.followUps },
  };
  // the dev key was written before the run; count from the first create on
  const finishSingle = startCounting(probe);
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
      if (performance.now() > deadline)
        throw new Error(`jobs did not drain in time: ${endedCount()} of ${created.ok} ended`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const drainMs = performance.now() - started;
    const jobs = await allJobs(stack.deps.jobs);
    const completedJobs = jobs.filter((j) => j.state === 'completed');
    const completed = completedJobs.length;
    const single = await finishSingle(JOBS, completed, 30_000);

    // then each multi-step kind on its own, counted from zero: extensions of finished clips, sequences
    const post = (path: string, body: unknown) =>
      fetch(new URL(path, stack.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const multiStep = async (
      path: string,
      bodies: unknown[],
      idOf: (answer: Record<string, unknown>) => unknown,
    ) => {
      const finish = startCounting(probe);
      const ids: string[] = [];
      // a few at a time, as clients would: the counts, not the contention, are measured here
      for (let i = 0; i < bodies.length; i += 4) {
        const answers = await Promise.all(bodies.slice(i, i + 4).map((body) => post(path, body)));
        for (const answer of answers) {
          const json = (await answer.json()) as Record<string, unknown>;
          if (!answer.ok) throw new Error(`${path} answered ${answer.status}: ${JSON.stringify(json)}`);
          ids.push(String(idOf(json)));
        }
      }
      const until = performance.now() + MULTI_STEP.limitMs;
      const isEnded = (id: string) => ended.completed.has(id) || ended.failed.has(id);
      while (!ids.every(isEnded)) {
        if (performance.now() > until) throw new Error(`${path}: jobs did not end in time`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return finish(ids.length, ids.filter((id) => ended.completed.has(id)).length, 30_000);
    };
    const extension = await multiStep(
      '/v1/videos/extensions',
      completedJobs.slice(0, MULTI_STEP.jobs).map((job, i) => ({
        video: { id: job.id },
        prompt: `the fox runs on, take ${i}`,
        seconds: '4',
      })),
      (answer) => answer.id,
    );
    const sequence = await multiStep(
      '/v1/sequences',
      Array.from({ length: MULTI_STEP.jobs }, (_, i) => ({
        model: 'seedance-1.5-pro',
        continuity: true,
        scenes: [
          { prompt: `a lighthouse at dusk, take ${i}`, seconds: '4' },
          { prompt: 'the beam sweeps the sea', seconds: '4' },
          { prompt: 'a ship answers', seconds: '4' },
        ],
      })),
      (answer) => answer.video_id,
    );
    // the same scenes without continuity: each a job of its own, in parallel, joined by one merge
    const parallel = await multiStep(
      '/v1/sequences',
      Array.from({ length: MULTI_STEP.jobs }, (_, i) => ({
        model: 'seedance-1.5-pro',
        scenes: [
          { prompt: `a lighthouse at dawn, take ${i}`, seconds: '4' },
          { prompt: 'the beam fades', seconds: '4' },
          { prompt: 'a ship sails on', seconds: '4' },
        ],
      })),
      (answer) => answer.video_id,
    );
    const sample = await polling;

    const ratio = round(sample.requestsPerJob / single.falRequests, 1);
    const kinds = [single, extension, sequence, parallel];
    const each = (pick: (c: JobCosts) => string | number) => kinds.map(pick);
    const perFunction = (c: JobCosts) =>
      Object.entries(c.dynamoByFunction)
        .filter(([, n]) => n > 0)
        .map(([fn, n]) => `${fn} ${n}`)
        .join(', ');
    return {
      columns: [
        'measure',
        'Reelay: single clip (webhooks)',
        'extension (frame, clip, merge)',
        'sequence, 3 scenes with continuity',
        'sequence, 3 scenes in parallel',
        'polling clients (fal.subscribe)',
      ],
      rows: [
        ['jobs completed', ...each((c) => `${c.completed} of ${c.jobs}`), `${sample.jobs} sampled`],
        ['time to drain, s (generation 0)', round(drainMs / 1000, 1), '', '', '', ''],
        ['jobs per second', round(completed / (drainMs / 1000), 1), '', '', '', ''],
        [
          `create p50 / p99 ms (${CLIENTS} clients at once)`,
          `${created.p50Ms} / ${created.p99Ms}`,
          '',
          '',
          '',
          '',
        ],
        ['DynamoDB requests per job (all tables, all functions)', ...each((c) => c.dynamoTotal), ''],
        [
          'fal requests per job (submits + webhooks + reads)',
          ...each(
            (c) =>
              `${c.falRequests} (${c.falBreakdown.submits} + ${c.falBreakdown.webhooks} + ${c.falBreakdown.reads})`,
          ),
          round(sample.requestsPerJob, 1),
        ],
        [
          'queue messages per job (archive + events + follow-up)',
          ...each(
            (c) =>
              `${c.messages.all} (${c.messages.archive} + ${c.messages.events} + ${c.messages.followUp})`,
          ),
          '',
        ],
        ['function invocations per job', ...each((c) => c.invocations.all), ''],
      ],
      notes: [
        ...kinds.map(
          (c, i) =>
            `${['single clip', 'extension', 'sequence', 'parallel sequence'][i]}: DynamoDB per job by function: ${perFunction(c)}; by operation and table: ${Object.entries(
              c.dynamo,
            )
              .sort((a, b) => b[1] - a[1])
              .map(([op, n]) => `${op} ${n}`)
              .join(', ')}; invocations: ${Object.entries(c.invocations)
              .filter(([fn]) => fn !== 'all')
              .map(([fn, n]) => `${fn} ${n}`)
              .join(', ')}, reconciler 0; fal submits: ${Object.entries(c.submitsByEndpoint)
              .map(([endpoint, n]) => `${endpoint} ${n}`)
              .join(', ')}`,
        ),
        'reconciler 0 (not needed: every webhook arrived; on AWS it runs once a minute whatever the load)',
        `with fal: fal.subscribe at ${POLLING.pollIntervalMs} ms: ${round(sample.requestsPerJob, 1)} per job (submit, ${round(sample.statusCalls / sample.jobs, 1)} status, ${round(sample.resultCalls / sample.jobs, 1)} result)`,
        `ratio ${ratio}: a polling client makes ${ratio}x the HTTP requests per video that Reelay exchanges with fal for a single clip, and holds a process open for the whole generation`,
      ],
      data: {
        jobs: JOBS,
        clients: CLIENTS,
        drainMs,
        completed,
        created,
        single,
        extension,
        sequence,
        parallel,
        polling: sample,
        ratio,
      },
    };
  } finally {
    await polling.catch(() => undefined);
    await stack.close();
  }
}

export const endToEnd: Bench = { name: 'e2e', title: '5. End to end', timeoutMs: 360_000, run };
