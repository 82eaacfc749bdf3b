import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { toFalWireJson } from '../../dev/fal-emulator/wire-json.ts';
import type { Deps } from '../../functions/core/deps.ts';
import type { Job } from '../../functions/core/domain/job.ts';
import { createFalAccountPin } from '../../functions/core/fal/account-pin.ts';
import { createWebhookVerifier } from '../../functions/core/fal/webhook-signature.ts';
import { falSigner } from '../../test/support/fal-signing.ts';
import { LocalQueue } from '../local-queue.ts';
import { startBenchStack } from './bench-stack.ts';
import type { LoadRequest, LoadSpec } from './load/protocol.ts';
import { runLoad } from './load/run-load.ts';
import { type LoadSummary, summarize } from './load/summary.ts';
import { seedSubmittedJobs } from './seed-jobs.ts';
import { percentile, round } from './stats.ts';
import type { Bench, BenchResult } from './types.ts';

const CONCURRENCY = 32;
const SUSTAINED_MS = 8_000;
const SUSTAINED_MAX = 2_500;
const OFFERED_PER_SECOND = 50;
const OFFERED_MS = 5_000;
const WARMUP = 100;

type Signer = ReturnType<typeof falSigner>;
/** The fal account the bench's deliveries are signed for, pinned like an operator's. */
const BENCH_ACCOUNT = 'bench-account';

/** One signed OK delivery for a submitted job, as fal sends it (wire JSON, headers signed over the raw bytes). */
function delivery(signer: Signer, job: Job): LoadRequest {
  const requestId = job.requestId as string;
  const body = toFalWireJson({
    error: null,
    gateway_request_id: requestId,
    payload: {
      seed: 17454220438242315174n,
      video: {
        content_type: 'video/mp4',
        file_name: 'output.mp4',
        file_size: 55_897,
        url: 'https://v3b.fal.media/files/b/bench/output.mp4',
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

/** Warm-up, then the most it sustains (closed loop), then latency at a fixed offered load (open loop). */
async function measure(port: number, deliveries: LoadRequest[], cycle: boolean) {
  const spec = (requests: LoadRequest[], mode: LoadSpec['mode'], maxMs: number): LoadSpec => ({
    port,
    requests,
    mode,
    maxMs,
    requestTimeoutMs: 10_000,
    cycle,
  });
  const warm = deliveries.slice(0, WARMUP);
  const sustainedSet = deliveries.slice(WARMUP, WARMUP + SUSTAINED_MAX);
  const offeredSet = deliveries.slice(WARMUP + SUSTAINED_MAX);
  await runLoad(spec(warm, { kind: 'closed', concurrency: 8 }, 10_000));
  const sustained = summarize(
    await runLoad(spec(sustainedSet, { kind: 'closed', concurrency: CONCURRENCY }, SUSTAINED_MS)),
  );
  const offered = summarize(
    await runLoad(spec(offeredSet, { kind: 'open', ratePerSecond: OFFERED_PER_SECOND }, OFFERED_MS)),
  );
  return { sustained, offered };
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
async function startBareEndpoint() {
  const app = new Hono();
  app.post('/webhooks/fal', (c) => c.json({ received: true }));
  const server = await new Promise<ReturnType<typeof serve>>((ready) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => ready(s));
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
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
  const stack = await startBenchStack({
    deps: {
      archiveQueue,
      verifyFalWebhook: createWebhookVerifier({ jwksUrl: 'http://127.0.0.1/jwks.json', fetch: jwks }),
      falAccount: createFalAccountPin(BENCH_ACCOUNT),
    },
  });
  const bare = await startBareEndpoint();
  try {
    const total = WARMUP + SUSTAINED_MAX + (OFFERED_PER_SECOND * OFFERED_MS) / 1000;
    const jobs = await seedSubmittedJobs(stack.deps, 'local', total);
    const deliveries = jobs.map((job) => delivery(signer, job));
    // each delivery to Reelay is for a job of its own (a repeat would be a no-op); the bare endpoint may repeat them for the full time
    const reelay = await measure(Number(new URL(stack.url).port), deliveries, false);
    const enqueued = archiveQueue.depth().visible;
    const ceiling = await measure(bare.port, deliveries, true);
    const dynamo = await dynamoOnly(stack.deps, jobs);

    const ratio = round(reelay.sustained.perSecond / ceiling.sustained.perSecond, 3);
    const row = (name: string, s: LoadSummary, o: LoadSummary) => [
      name,
      s.perSecond,
      s.failed,
      o.p50Ms,
      o.p99Ms,
      o.failed,
    ];
    return {
      columns: [
        'endpoint',
        'sustained /s',
        'failed',
        `p50 ms @${OFFERED_PER_SECOND}/s`,
        `p99 ms @${OFFERED_PER_SECOND}/s`,
        'failed',
      ],
      rows: [
        row('Reelay webhook (verify + DynamoDB + enqueue)', reelay.sustained, reelay.offered),
        row('bare Hono 200 (ceiling)', ceiling.sustained, ceiling.offered),
        [
          'its DynamoDB part alone: GetItem + PutItem (dynalite)',
          dynamo.perSecond,
          dynamo.failed,
          '',
          '',
          '',
        ],
      ],
      notes: [
        `the DynamoDB part alone does ${dynamo.perSecond}/s (p50 ${dynamo.p50Ms} ms): on the local stack the stand-in DynamoDB, not the handler, sets the pace`,
        `ratio ${ratio}: Reelay ingests ${ratio}x of what the same server does with no work at all (${CONCURRENCY} connections, ${SUSTAINED_MS / 1000} s)`,
        `${enqueued} archive messages enqueued for ${reelay.sustained.ok + reelay.offered.ok + WARMUP} accepted deliveries; load generator in its own process`,
      ],
      data: {
        concurrency: CONCURRENCY,
        offeredPerSecond: OFFERED_PER_SECOND,
        reelay,
        ceiling,
        dynamo,
        ratio,
        enqueued,
      },
    };
  } finally {
    await bare.close();
    await stack.close();
  }
}

export const webhookIngest: Bench = { name: 'webhook', title: '2. Webhook ingest', timeoutMs: 150_000, run };
