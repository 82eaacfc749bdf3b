import { sqsClient } from '../../functions/core/wiring/aws-clients.ts';
import { s3Client } from '../../functions/core/wiring/s3.ts';
import { buildDeps } from '../../functions/core/wiring.ts';
import type { FunctionName } from '../../infra/bundling.ts';
import { startBenchStack } from './bench-stack.ts';
import { type CountingClient, countingClient } from './counting-dynamo.ts';
import type { LoadRequest } from './load/protocol.ts';
import { runLoad } from './load/run-load.ts';
import { type LoadSummary, summarize } from './load/summary.ts';
import { createPeerCreateServer } from './peers/create-server.ts';
import { startServer } from './serve-app.ts';
import { round } from './stats.ts';
import type { Bench, BenchResult } from './types.ts';

const CREATES = 400;
const CLIENTS = 32;
const LIMIT_MS = 90_000;

/** `op table` counts → `GetItem accounts 1, …` per unit, the table named by its role. */
function perUnit(counts: Record<string, number>, units: number, tables: Record<string, string>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => {
      const [op, table = ''] = key.split(' ');
      return `${op} ${tables[table] ?? table} ${round(n / units, 2)}`;
    })
    .join(', ');
}

async function load(port: number, requests: LoadRequest[]): Promise<LoadSummary> {
  return summarize(
    await runLoad({
      port,
      requests,
      mode: { kind: 'closed', concurrency: CLIENTS },
      maxMs: LIMIT_MS,
      requestTimeoutMs: 30_000,
    }),
  );
}

async function run(): Promise<BenchResult> {
  const counters = new Map<FunctionName, CountingClient>();
  // fal holds every request in its queue for the whole run: no webhook or archive competes with the creates
  const stack = await startBenchStack({
    emulator: { generationMs: 600_000 },
    depsFor: (fn, shared) => {
      const { config } = shared;
      const counter = countingClient(config.endpoints.dynamodb as string, config.region);
      counters.set(fn, counter);
      const { archiveQueue, followUps, eventQueue, metrics, logger, now } = shared;
      return buildDeps(
        config,
        { archiveQueue, followUps, eventQueue, metrics, logger, now },
        { dynamodb: counter.client, s3: s3Client(config), sqs: sqsClient(config) },
      );
    },
  });
  const { config } = stack.deps;
  const tables: Record<string, string> = {
    [config.jobsTable]: 'jobs',
    [config.accountsTable]: 'accounts',
    [config.usageTable]: 'usage',
    [config.webhooks.table]: 'webhooks',
  };
  const api = counters.get('api') as CountingClient;
  const peerCounter = countingClient(config.endpoints.dynamodb as string, config.region);
  const peerKey = 'peer-bench-key-0123456789';
  const peerApp = createPeerCreateServer({
    dynamo: peerCounter.client,
    table: config.jobsTable,
    apiKey: peerKey,
    falQueueUrl: config.fal.queueUrl,
    falKey: config.fal.key as string,
    webhookUrl: `${stack.url}/_peer/webhook`,
  });
  const peer = await startServer(peerApp);
  try {
    const creates = (key: string): LoadRequest[] =>
      Array.from({ length: CREATES }, (_, i) => ({
        method: 'POST',
        path: '/v1/videos',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: `a red fox in fresh snow, take ${i}`, seconds: '4' }),
      }));
    const port = Number(new URL(stack.url).port);
    // one create first, so the API's key and tenant caches are warm as in a busy container
    await load(port, creates(stack.apiKey).slice(0, 1));
    await load(peer.port, creates(peerKey).slice(0, 1));
    api.reset();
    peerCounter.reset();
    const reelayCreate = await load(port, creates(stack.apiKey));
    const reelayCreateCounts = api.counts();
    const reelayCreateTotals = api.totals();
    const peerCreate = await load(peer.port, creates(peerKey));
    const peerCreateCounts = peerCounter.counts();
    const peerCreateTotals = peerCounter.totals();

    // polls: every video once, 32 clients
    const reelayIds: string[] = [];
    for (let after: string | undefined; ; ) {
      const page = await stack.deps.jobs.listByTenant('local', {
        limit: 100,
        order: 'asc',
        ...(after && { after }),
      });
      reelayIds.push(...page.jobs.map((job) => job.id));
      after = page.jobs.at(-1)?.id;
      if (!page.hasMore) break;
    }
    const polls = (key: string, ids: string[]): LoadRequest[] =>
      ids.map((id) => ({
        method: 'GET',
        path: `/v1/videos/${id}`,
        headers: { authorization: `Bearer ${key}` },
      }));
    api.reset();
    const reelayPoll = await load(port, polls(stack.apiKey, reelayIds));
    const reelayPollTotals = api.totals();
    const reelayPollCounts = api.counts();
    peerCounter.reset();
    // the peer's own ids are not listed anywhere: it polls Reelay's ids in the same table, one GetItem each
    const peerPoll = await load(peer.port, polls(peerKey, reelayIds));
    const peerPollTotals = peerCounter.totals();

    const per = (n: number, of: number) => round(n / of, 2);
    const createRatio = round(reelayCreate.p99Ms / peerCreate.p99Ms, 2);
    return {
      columns: ['measure', 'Reelay', 'peer (PutItem + fal submit + UpdateItem; GetItem)', 'Reelay ÷ peer'],
      rows: [
        [
          `creates/s (${CLIENTS} clients)`,
          reelayCreate.perSecond,
          peerCreate.perSecond,
          round(reelayCreate.perSecond / peerCreate.perSecond, 2),
        ],
        [
          'create p50 ms',
          reelayCreate.p50Ms,
          peerCreate.p50Ms,
          round(reelayCreate.p50Ms / peerCreate.p50Ms, 2),
        ],
        ['create p99 ms', reelayCreate.p99Ms, peerCreate.p99Ms, createRatio],
        [
          'DynamoDB requests per admitted create (all tables)',
          per(reelayCreateTotals.all, reelayCreate.ok),
          per(peerCreateTotals.all, peerCreate.ok),
          '',
        ],
        [
          'of which writes',
          per(reelayCreateTotals.writes, reelayCreate.ok),
          per(peerCreateTotals.writes, peerCreate.ok),
          '',
        ],
        [
          'poll p50 / p99 ms',
          `${reelayPoll.p50Ms} / ${reelayPoll.p99Ms}`,
          `${peerPoll.p50Ms} / ${peerPoll.p99Ms}`,
          '',
        ],
        [
          'DynamoDB reads / writes per poll',
          `${per(reelayPollTotals.reads, reelayPoll.requests)} / ${per(reelayPollTotals.writes, reelayPoll.requests)}`,
          `${per(peerPollTotals.reads, peerPoll.requests)} / ${per(peerPollTotals.writes, peerPoll.requests)}`,
          '',
        ],
      ],
      notes: [
        `Reelay per admitted create: ${perUnit(reelayCreateCounts, reelayCreate.ok, tables)}`,
        `peer per create: ${perUnit(peerCreateCounts, peerCreate.ok, tables)}`,
        `Reelay per poll: ${perUnit(reelayPollCounts, reelayPoll.requests, tables)}`,
        `create p99 ${createRatio}x the peer's (goal <= 2); ${reelayCreate.ok} and ${peerCreate.ok} of ${CREATES} admitted; the emulator holds every request in fal's queue, so no webhook or archive runs meanwhile`,
      ],
      data: {
        creates: CREATES,
        clients: CLIENTS,
        reelay: {
          create: reelayCreate,
          createCounts: reelayCreateCounts,
          poll: reelayPoll,
          pollCounts: reelayPollCounts,
        },
        peer: {
          create: peerCreate,
          createCounts: peerCreateCounts,
          poll: peerPoll,
          pollTotals: peerPollTotals,
        },
        createRatio,
        // as every ratio the runner prints: Reelay against its yardstick, 1 or more is a tie or a win
        ratio: round(peerCreate.p99Ms / reelayCreate.p99Ms, 2),
      },
    };
  } finally {
    await peer.close();
    await stack.close();
  }
}

export const create: Bench = { name: 'create', title: '3. Create and poll', timeoutMs: 240_000, run };
