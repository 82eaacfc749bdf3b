import { performance } from 'node:perf_hooks';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Hono } from 'hono';
import { toFalWireJson } from '../../dev/fal-emulator/wire-json.ts';
import { createArchiverHandler } from '../../functions/archiver/archiver.ts';
import type { Deps } from '../../functions/core/deps.ts';
import type { Job } from '../../functions/core/domain/job.ts';
import { createFalAccountPin } from '../../functions/core/fal/account-pin.ts';
import { createWebhookVerifier } from '../../functions/core/fal/webhook-signature.ts';
import { sqsClient } from '../../functions/core/wiring/aws-clients.ts';
import { s3Client } from '../../functions/core/wiring/s3.ts';
import { buildDeps } from '../../functions/core/wiring.ts';
import { falSigner } from '../../test/support/fal-signing.ts';
import { LocalQueue } from '../local-queue.ts';
import { startBenchStack } from './bench-stack.ts';
import { type CountingClient, countingClient } from './counting-dynamo.ts';
import { profiled } from './cpu-profile.ts';
import type { DynamoProcess } from './dynamo-process.ts';
import type { LoadRequest, LoadSpec } from './load/protocol.ts';
import { runLoad } from './load/run-load.ts';
import { type LoadSummary, summarize } from './load/summary.ts';
import { createPeerReceiver } from './peers/webhook-receiver.ts';
import { seedSubmittedJobs } from './seed-jobs.ts';
import { startServer } from './serve-app.ts';
import { startSourceServer } from './source-server.ts';
import { percentile, round } from './stats.ts';
import type { Bench, BenchResult } from './types.ts';

const CONCURRENCY = 32;
/**
 * The closed loop runs in rounds, every target in each, the order reversed each round: one 6 s phase
 * per target in turn put a drift in the machine's load (shared here) on whoever ran then, and the
 * sustained ratio moved from 0.47 to 0.89 between runs. Each target's figure is its median round.
 */
const SUSTAINED_ROUNDS = 3;
const SUSTAINED_MS = 2_500;
const SUSTAINED_MAX = 500;
// the load test: 200 first deliveries a second for 10 s
const OFFERED_PER_SECOND = 200;
const OFFERED_MS = 10_000;
/** Enough for V8 to optimise each server's hot path before anything is measured. */
const WARMUP = 300;
/** The emulator's clip size: what `npm start` archives after each delivery. */
const VIDEO_BYTES = 55_897;

type Signer = ReturnType<typeof falSigner>;
/** The fal account the bench's deliveries are signed for, pinned like an operator's. */
const BENCH_ACCOUNT = 'bench-account';

/** One signed OK delivery for a submitted job, as fal sends it (wire JSON, headers signed over the raw bytes). */
function delivery(
  signer: Signer,
  job: Job,
  url = 'https://v3b.fal.media/files/b/bench/output.mp4',
): LoadRequest {
  const requestId = job.requestId as string;
  const body = toFalWireJson({
    error: null,
    gateway_request_id: requestId,
    payload: {
      seed: 17454220438242315174n,
      video: {
        content_type: 'video/mp4',
        file_name: 'output.mp4',
        file_size: VIDEO_BYTES,
        url,
      },
    },
    request_id: requestId,
    status: 'OK',
  });
  return {
    method: 'POST',
    path: `/webhooks/fal?job=${job.id}&token=${encodeURIComponent(job.webhookToken)}`,
    headers: {
      'content-type': 'application/json',
      ...signer.headers(Buffer.from(body), { requestId, userId: BENCH_ACCOUNT }),
    },
    body,
  };
}

/** CPU time per accepted delivery: the server's process (the handler) and dynalite's (the stand-in). */
export interface CpuShare {
  serverMs: number;
  dynamoMs: number;
}

/** `cpu` over the closed loop (each at its own pace), `cpuOffered` at the same offered rate for all. */
type Measured = {
  sustained: LoadSummary;
  /** Each closed-loop round's rate, in round order. */
  sustainedRounds: number[];
  offered: LoadSummary;
  cpu: CpuShare;
  cpuOffered: CpuShare;
};

interface Target {
  /** Names its profile file. */
  name: string;
  port: number;
  deliveries: LoadRequest[];
  /** Start over when all are sent (only for a target that does not care about repeats). */
  cycle: boolean;
}

/** A phase's figures as they come, on stderr: a run cut short still shows what it measured. */
const progress = (line: string) =>
  console.error(`  [webhook ${Math.round(performance.now() / 1000)} s] ${line}`);

/** Process CPU in ms (user + system) of this process (the servers) and of dynalite's. */
async function cpuNow(dynamo: DynamoProcess) {
  const own = process.cpuUsage();
  return { server: (own.user + own.system) / 1000, dynamo: await dynamo.cpuMs() };
}

/**
 * Runs one load and charges each process's CPU over it to the deliveries it accepted;
 * BENCH_SERVER_PROFILE=<dir> also writes the server process's CPU profile over it (`<name>.cpuprofile`).
 */
async function charged(dynamo: DynamoProcess, name: string, spec: LoadSpec) {
  const before = await cpuNow(dynamo);
  const summary = summarize(
    await profiled(process.env.BENCH_SERVER_PROFILE, `webhook-${name}`, () => runLoad(spec)),
  );
  const after = await cpuNow(dynamo);
  const per = (ms: number) => round(ms / Math.max(1, summary.ok), 2);
  const cpuMs = { serverMs: after.server - before.server, dynamoMs: after.dynamo - before.dynamo };
  const cpu = { serverMs: per(cpuMs.serverMs), dynamoMs: per(cpuMs.dynamoMs) };
  progress(
    `${name}: ${summary.perSecond}/s, p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms; CPU per delivery: server ${cpu.serverMs} ms, dynalite ${cpu.dynamoMs} ms`,
  );
  return { summary, cpu, cpuMs };
}

/**
 * A target's closed-loop rounds as one: the median round's rate (and latencies), every round's
 * deliveries and failures, and the CPU of all rounds over all their deliveries.
 */
function medianRound(runs: Array<{ summary: LoadSummary; cpu: CpuShare; cpuMs: CpuShare }>) {
  const byRate = [...runs].sort((a, b) => a.summary.perSecond - b.summary.perSecond);
  const middle = byRate[Math.floor(byRate.length / 2)] as (typeof runs)[number];
  const sum = (pick: (s: LoadSummary) => number) => runs.reduce((total, run) => total + pick(run.summary), 0);
  const ok = sum((s) => s.ok);
  const per = (pick: (c: CpuShare) => number) =>
    round(runs.reduce((total, run) => total + pick(run.cpuMs), 0) / Math.max(1, ok), 2);
  return {
    summary: { ...middle.summary, requests: sum((s) => s.requests), ok, failed: sum((s) => s.failed) },
    cpu: { serverMs: per((c) => c.serverMs), dynamoMs: per((c) => c.dynamoMs) },
    rounds: runs.map((run) => run.summary.perSecond),
  };
}

/**
 * For each target: a warm-up, then the most it sustains (closed loop, in interleaved rounds), then
 * latency at a fixed offered load (open loop). Each phase runs for every target before the next
 * phase, so a change in the machine's load over the run falls on all of them alike. CPU per delivery is taken
 * over both: the closed loop (each at its own pace) and the offered rate (the same pace for all, so
 * the fixed cost of waking an idle process falls alike).
 */
async function measure(dynamo: DynamoProcess, targets: Target[]): Promise<Measured[]> {
  const spec = (
    target: Target,
    requests: LoadRequest[],
    mode: LoadSpec['mode'],
    maxMs: number,
  ): LoadSpec => ({
    port: target.port,
    requests,
    mode,
    maxMs,
    requestTimeoutMs: 10_000,
    cycle: target.cycle,
  });
  for (const target of targets)
    await runLoad(
      spec(target, target.deliveries.slice(0, WARMUP), { kind: 'closed', concurrency: CONCURRENCY }, 10_000),
    );
  const rounds: Array<Array<Awaited<ReturnType<typeof charged>>>> = targets.map(() => []);
  for (let r = 0; r < SUSTAINED_ROUNDS; r++) {
    const order = targets.map((_, i) => i);
    if (r % 2 === 1) order.reverse();
    for (const i of order) {
      const target = targets[i] as Target;
      const from = WARMUP + r * SUSTAINED_MAX;
      (rounds[i] as Array<Awaited<ReturnType<typeof charged>>>).push(
        await charged(
          dynamo,
          `${target.name}-round-${r + 1}`,
          spec(
            target,
            target.deliveries.slice(from, from + SUSTAINED_MAX),
            { kind: 'closed', concurrency: CONCURRENCY },
            SUSTAINED_MS,
          ),
        ),
      );
    }
  }
  const sustained = rounds.map(medianRound);
  const offered: Array<Awaited<ReturnType<typeof charged>>> = [];
  for (const target of targets)
    offered.push(
      await charged(
        dynamo,
        `${target.name}-at-${OFFERED_PER_SECOND}`,
        spec(
          target,
          target.deliveries.slice(WARMUP + SUSTAINED_ROUNDS * SUSTAINED_MAX),
          { kind: 'open', ratePerSecond: OFFERED_PER_SECOND },
          OFFERED_MS,
        ),
      ),
    );
  return targets.map((_, i) => {
    const closed = sustained[i] as ReturnType<typeof medianRound>;
    const open = offered[i] as Awaited<ReturnType<typeof charged>>;
    return {
      sustained: closed.summary,
      sustainedRounds: closed.rounds,
      cpu: closed.cpu,
      offered: open.summary,
      cpuOffered: open.cpu,
    };
  });
}

/** The handler's DynamoDB part alone (one consistent read, one conditional write), from the server's process. */
async function dynamoOnly(deps: Deps, jobs: Job[]): Promise<LoadSummary> {
  const latencies: number[] = [];
  const started = performance.now();
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < jobs.length && performance.now() - started < SUSTAINED_MS) {
      const id = (jobs[next++] as Job).id;
      const from = performance.now();
      const current = await deps.jobs.get(id);
      if (current && (await deps.jobs.save({ ...current, version: current.version + 1 }))) done++;
      latencies.push(performance.now() - from);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const elapsed = performance.now() - started;
  return {
    requests: latencies.length,
    ok: done,
    failed: latencies.length - done,
    perSecond: round(done / (elapsed / 1000), 0),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
  };
}

/** The ceiling: Hono on the same Node server adapter, answering 200 without reading anything. */
function startBareEndpoint() {
  const app = new Hono();
  app.post('/webhooks/fal', (c) => c.json({ received: true }));
  return startServer(app);
}

/**
 * The peer (dev/bench/peers/webhook-receiver.ts) on the same dynalite and jobs table, its enqueue into
 * a queue nobody consumes, as Reelay's; `moveIndexKeys` makes its write move the job in `byDue` as
 * Reelay's capture does.
 */
function startPeer(deps: Deps, signer: Signer, queue: LocalQueue, moveIndexKeys?: boolean) {
  const { config } = deps;
  // counted by the same SDK middleware as Reelay's client: both pay for it alike
  const counter = countingClient(config.endpoints.dynamodb as string, config.region);
  const server = startServer(
    createPeerReceiver({
      dynamo: counter.client,
      table: config.jobsTable,
      jwks: async () => ({ keys: [signer.jwk as Record<string, unknown>] }),
      enqueue: async (jobId) => {
        await queue.enqueue(jobId);
      },
      ...(moveIndexKeys && {
        moveIndexKeys: { partition: 'generated', dueInMs: deps.policy.archivePickupMs },
      }),
    }),
  );
  return server.then((started) => ({ ...started, counter }));
}

const ARCHIVE_ROUNDS = 3;
/** Each archive round's phases: shorter than the offered-load phase, so three rounds fit the bench's time. */
const ARCHIVE_PHASE_MS = 5_000;

/**
 * Reelay's webhook at the offered rate, alone and while the real archiver consumes its messages in
 * the same process (4 at once, as the local stack runs it, downloading each clip from a loopback
 * source into the embedded s3rver): how much of `npm start`'s webhook latency is the archive's.
 * The two alternate over a few rounds (the order swapped each round), so a change in the
 * neighbours' load falls on both; medians over the rounds. Each archive phase has an archiver of its
 * own, busy from its first second, and closed (its backlog dropped) when the phase ends: the archive
 * manages a few dozen clips a second here against 200 deliveries, and a backlog carried on would
 * make each phase heavier than the last.
 */
async function archiveShare(deps: Deps, port: number, signer: Signer, route: (queue?: LocalQueue) => void) {
  const source = await startSourceServer();
  const { config } = deps;
  // the loopback source stands in for fal's media host
  const host = new URL(source.url(1)).host;
  const archiver = createArchiverHandler({
    ...deps,
    config: { ...config, fal: { ...config.fal, mediaHosts: [...config.fal.mediaHosts, host] } },
  });
  const perPhase = (OFFERED_PER_SECOND * ARCHIVE_PHASE_MS) / 1000;
  const alone: LoadSummary[] = [];
  const withArchive: LoadSummary[] = [];
  let archived = 0;
  const phase = async (archiving: boolean) => {
    const jobs = await seedSubmittedJobs(deps, 'local', perPhase);
    const queue = archiving
      ? new LocalQueue({
          name: 'bench-archive-in-process',
          region: 'us-east-1',
          visibilityTimeoutMs: 60_000,
          maxReceiveCount: 5,
          concurrency: 4,
        })
      : undefined;
    queue?.start(archiver);
    route(queue);
    try {
      const offered = summarize(
        await runLoad({
          port,
          requests: jobs.map((job) => delivery(signer, job, source.url(VIDEO_BYTES))),
          mode: { kind: 'open', ratePerSecond: OFFERED_PER_SECOND },
          maxMs: ARCHIVE_PHASE_MS,
          requestTimeoutMs: 10_000,
        }),
      );
      progress(
        `${archiving ? 'with the archiver' : 'alone'}: p50 ${offered.p50Ms} ms, p99 ${offered.p99Ms} ms`,
      );
      (archiving ? withArchive : alone).push(offered);
    } finally {
      route(undefined);
      if (queue) {
        const { visible, inFlight } = queue.depth();
        archived += perPhase - visible - inFlight;
        queue.hold();
        await queue.close();
      }
    }
  };
  try {
    for (let round = 0; round < ARCHIVE_ROUNDS; round++)
      for (const archiving of round % 2 === 0 ? [false, true] : [true, false]) await phase(archiving);
    const median = (runs: LoadSummary[], pick: (s: LoadSummary) => number) =>
      round(percentile(runs.map(pick), 50), 2);
    const summary = (runs: LoadSummary[]) => ({
      p50Ms: median(runs, (s) => s.p50Ms),
      p99Ms: median(runs, (s) => s.p99Ms),
      failed: runs.reduce((sum, s) => sum + s.failed, 0),
      rounds: runs,
    });
    return { alone: summary(alone), withArchive: summary(withArchive), archivedAbout: archived };
  } finally {
    await source.close();
  }
}

async function run(): Promise<BenchResult> {
  const signer = falSigner();
  const jwks = (async () => Response.json({ keys: [signer.jwk] })) as typeof fetch;
  // fal's webhooks go to the real handler; only the archiver is left out: on AWS it is another function
  const archiveQueue = new LocalQueue({
    name: 'bench-archive',
    region: 'us-east-1',
    visibilityTimeoutMs: 60_000,
    maxReceiveCount: 5,
    concurrency: 1,
  });
  let counter: CountingClient | undefined;
  // where accepted deliveries are enqueued: a queue nobody consumes (the archiver is another function
  // on AWS), or, for the last row, one the real archiver consumes in this process, as `npm start` does
  let archiveTarget: LocalQueue = archiveQueue;
  const switchable = { enqueue: (jobId: string) => archiveTarget.enqueue(jobId) };
  const stack = await startBenchStack({
    // BENCH_DYNALITE_PROFILE=<dir>: a V8 CPU profile of dynalite over the whole run (BENCHMARKS.md §2)
    dynamoCpuProfileDir: process.env.BENCH_DYNALITE_PROFILE,
    deps: {
      archiveQueue: switchable,
      verifyFalWebhook: createWebhookVerifier({ jwksUrl: 'http://127.0.0.1/jwks.json', fetch: jwks }),
      falAccount: createFalAccountPin(BENCH_ACCOUNT),
    },
    // the webhook function's own DynamoDB client, its requests counted on every table
    depsFor: (fn, shared) => {
      if (fn !== 'fal-webhook') return shared;
      const { config } = shared;
      counter = countingClient(config.endpoints.dynamodb as string, config.region);
      const { followUps, eventQueue, metrics, logger, now, verifyFalWebhook, falAccount } = shared;
      return buildDeps(
        config,
        {
          archiveQueue: switchable,
          followUps,
          eventQueue,
          metrics,
          logger,
          now,
          verifyFalWebhook,
          falAccount,
        },
        { dynamodb: counter.client, s3: s3Client(config), sqs: sqsClient(config) },
      );
    },
  });
  const bare = await startBareEndpoint();
  const peerQueue = new LocalQueue({
    name: 'bench-peer-archive',
    region: 'us-east-1',
    visibilityTimeoutMs: 60_000,
    maxReceiveCount: 5,
    concurrency: 1,
  });
  const peer = await startPeer(stack.deps, signer, peerQueue);
  const peerMoving = await startPeer(stack.deps, signer, peerQueue, true);
  try {
    const total = WARMUP + SUSTAINED_ROUNDS * SUSTAINED_MAX + (OFFERED_PER_SECOND * OFFERED_MS) / 1000;
    const jobs = await seedSubmittedJobs(stack.deps, 'local', total);
    const peerJobs = await seedSubmittedJobs(stack.deps, 'local', total);
    const movingJobs = await seedSubmittedJobs(stack.deps, 'local', total);
    const deliveries = jobs.map((job) => delivery(signer, job));
    progress('seeded');
    counter?.reset();
    peer.counter.reset();
    // each delivery is a first delivery for a job of its own; the bare endpoint may repeat them
    const [reelay, peered, moving, ceiling] = (await measure(stack.dynamoProcess, [
      { name: 'reelay', port: Number(new URL(stack.url).port), deliveries, cycle: false },
      {
        name: 'peer',
        port: peer.port,
        deliveries: peerJobs.map((job) => delivery(signer, job)),
        cycle: false,
      },
      {
        name: 'peer-moving-keys',
        port: peerMoving.port,
        deliveries: movingJobs.map((job) => delivery(signer, job)),
        cycle: false,
      },
      { name: 'bare', port: bare.port, deliveries, cycle: true },
    ])) as [Measured, Measured, Measured, Measured];
    const reelayCounts = counter?.counts() ?? {};
    const reelayRequests = Object.values(reelayCounts).reduce((a, b) => a + b, 0);
    const accepted = reelay.sustained.ok + reelay.offered.ok + WARMUP;
    const enqueued = archiveQueue.depth().visible;
    const peerEnqueued = peerQueue.depth().visible;
    const peerCounts = peer.counter.counts();
    const peerAccepted = peered.sustained.ok + peered.offered.ok + WARMUP;
    const perAccepted = (counts: Record<string, number>, accepted: number) =>
      Object.entries(counts)
        .map(([key, n]) => `${key} ${round(n / accepted, 2)}`)
        .join(', ');
    const itemBytes = {
      reelay: await storedItemBytes(stack.deps, jobs[WARMUP] as Job),
      peer: await storedItemBytes(stack.deps, peerJobs[WARMUP] as Job),
    };
    const inProcess = await archiveShare(stack.deps, Number(new URL(stack.url).port), signer, (queue) => {
      archiveTarget = queue ?? archiveQueue;
    });
    const dynamo = await dynamoOnly(stack.deps, jobs);

    const ratio = round(reelay.sustained.perSecond / ceiling.sustained.perSecond, 3);
    const peerRatio = round(reelay.sustained.perSecond / peered.sustained.perSecond, 2);
    const p99Ratio = round(reelay.offered.p99Ms / peered.offered.p99Ms, 2);
    const movingRatio = round(moving.sustained.perSecond / peered.sustained.perSecond, 2);
    const row = (name: string, m: Measured, dynamoCpu = true) => [
      name,
      m.sustained.perSecond,
      m.sustained.failed,
      m.offered.p50Ms,
      m.offered.p99Ms,
      m.offered.failed,
      m.cpuOffered.serverMs,
      dynamoCpu ? m.cpuOffered.dynamoMs : '',
    ];
    const archiveRow = (name: string, a: typeof inProcess.alone) => [
      name,
      '',
      '',
      a.p50Ms,
      a.p99Ms,
      a.failed,
      '',
      '',
    ];
    return {
      columns: [
        'endpoint',
        'sustained /s',
        'failed',
        `p50 ms @${OFFERED_PER_SECOND}/s`,
        `p99 ms @${OFFERED_PER_SECOND}/s`,
        'failed',
        `server CPU ms / delivery @${OFFERED_PER_SECOND}/s`,
        `dynalite CPU ms / delivery @${OFFERED_PER_SECOND}/s`,
      ],
      rows: [
        row('Reelay webhook (verify + DynamoDB + enqueue)', reelay),
        row('peer receiver (verify + GetItem + PutItem + enqueue)', peered),
        row("peer receiver, moving the byDue keys as Reelay's capture", moving),
        row('bare Hono 200 (ceiling)', ceiling, false),
        archiveRow(`Reelay alone (median of ${ARCHIVE_ROUNDS} rounds)`, inProcess.alone),
        archiveRow(
          `Reelay, archiver in the same process as npm start (median of ${ARCHIVE_ROUNDS}, interleaved)`,
          inProcess.withArchive,
        ),
        [
          'its DynamoDB part alone: GetItem + PutItem (dynalite)',
          dynamo.perSecond,
          dynamo.failed,
          '',
          '',
          '',
          '',
          '',
        ],
      ],
      notes: [
        `the DynamoDB part alone (GetItem + PutItem from the server's process, ${CONCURRENCY} at once) does ${dynamo.perSecond}/s (p50 ${dynamo.p50Ms} ms)`,
        `ratio ${ratio}: Reelay ingests ${ratio}x of what the same server does with no work at all (${CONCURRENCY} connections, median of ${SUSTAINED_ROUNDS} rounds of up to ${SUSTAINED_MS / 1000} s)`,
        `sustained rounds (/s, interleaved, order reversed each round): Reelay ${reelay.sustainedRounds.join(', ')}; peer ${peered.sustainedRounds.join(', ')}; peer moving keys ${moving.sustainedRounds.join(', ')}; bare ${ceiling.sustainedRounds.join(', ')}`,
        `against the peer: sustained ${peerRatio}x of the peer's rate (goal >= 0.85), p99 at ${OFFERED_PER_SECOND}/s ${p99Ratio}x the peer's (goal <= 3); first deliveries only, each system on jobs of its own`,
        `the peer moving the byDue keys as Reelay does sustains ${movingRatio}x the plain peer; dynalite CPU per delivery ${moving.cpu.dynamoMs} ms against ${peered.cpu.dynamoMs} ms (Reelay ${reelay.cpu.dynamoMs} ms)`,
        `CPU per delivery at ${OFFERED_PER_SECOND}/s: server ${reelay.cpuOffered.serverMs} ms Reelay, ${peered.cpuOffered.serverMs} ms peer; dynalite ${reelay.cpuOffered.dynamoMs} ms Reelay, ${peered.cpuOffered.dynamoMs} ms peer`,
        `CPU per delivery in the closed loop: server ${reelay.cpu.serverMs} ms Reelay, ${peered.cpu.serverMs} ms peer; dynalite ${reelay.cpu.dynamoMs} ms Reelay, ${peered.cpu.dynamoMs} ms peer`,
        `the job item after capture, as stored (DynamoDB JSON): Reelay ${itemBytes.reelay} bytes, the peer ${itemBytes.peer} bytes`,
        `DynamoDB requests per accepted delivery, counted by SDK middleware: Reelay ${round(reelayRequests / accepted, 2)} (${perAccepted(reelayCounts, accepted)}); the peer ${perAccepted(peerCounts, peerAccepted)}`,
        `interleaved over ${ARCHIVE_ROUNDS} rounds at ${OFFERED_PER_SECOND}/s for ${ARCHIVE_PHASE_MS / 1000} s: Reelay alone p50 / p99 ${inProcess.alone.p50Ms} / ${inProcess.alone.p99Ms} ms, with the archiver in the same process ${inProcess.withArchive.p50Ms} / ${inProcess.withArchive.p99Ms} ms (medians): the difference is the local archive's share`,
        `the peer enqueued ${peerEnqueued} for ${peered.sustained.ok + peered.offered.ok + moving.sustained.ok + moving.offered.ok + 2 * WARMUP} accepted`,
        `${enqueued} archive messages enqueued for ${reelay.sustained.ok + reelay.offered.ok + WARMUP} accepted deliveries (before the archive rounds); load generator in its own process`,
      ],
      data: {
        concurrency: CONCURRENCY,
        offeredPerSecond: OFFERED_PER_SECOND,
        reelay,
        reelayDynamo: reelayCounts,
        peerDynamo: peerCounts,
        inProcess,
        peer: peered,
        peerMovingIndexKeys: moving,
        itemBytes,
        peerRatio,
        p99Ratio,
        movingRatio,
        ceiling,
        dynamo,
        ratio,
        enqueued,
      },
    };
  } finally {
    await bare.close();
    await peer.close();
    await peerMoving.close();
    await peerQueue.close();
    await stack.close();
  }
}

/** A job's item as the table holds it, in DynamoDB JSON: about what a PutItem of it sends. */
async function storedItemBytes(deps: Deps, job: Job): Promise<number> {
  const client = new DynamoDBClient({ region: deps.config.region, endpoint: deps.config.endpoints.dynamodb });
  const { Item } = await client.send(
    new GetItemCommand({
      TableName: deps.config.jobsTable,
      Key: { id: { S: job.id } },
      ConsistentRead: true,
    }),
  );
  client.destroy();
  return Buffer.byteLength(JSON.stringify(Item ?? {}));
}

export const webhookIngest: Bench = { name: 'webhook', title: '2. Webhook ingest', timeoutMs: 480_000, run };
