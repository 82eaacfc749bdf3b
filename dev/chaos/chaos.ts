import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Webhook } from 'standardwebhooks';
import type { Job } from '../../functions/core/domain/job.ts';
import { createDynamoJobStore } from '../../functions/core/store/dynamodb/job-store.ts';
import { ensureJobsTable, startDynamo } from '../embedded/dynamodb.ts';
import { startS3 } from '../embedded/s3.ts';
import { type FalEmulator, startFalEmulator } from '../fal-emulator/index.ts';
import { seededRandom } from '../seeded-random.ts';
import { type Receiver, startReceiver } from '../webhook-receiver.ts';
import { CHAOS_FAULTS, type ChaosFault, type FaultTimings, STEP_FAULTS } from './faults.ts';
import { ArchiveLeaseWatch } from './leases.ts';
import { LiveWatch } from './live-watch.ts';
import { analyse, type ChaosReport, type JobRun, type KillRecord } from './report.ts';
import { ServiceProcess } from './service.ts';

export interface ChaosOptions {
  jobs: number;
  /** Share of jobs given one fault from CHAOS_FAULTS. */
  faultRate: number;
  /** Share of creates that are extensions or sequences (multi-step videos), half each (default 0.2). */
  multiStepShare?: number;
  /** The first jobs get each fault in turn, so a small run still meets every one. */
  everyFaultFirst?: boolean;
  /** Concurrent clients creating jobs. */
  clients: number;
  /** SIGKILLs of the service while jobs are created (spread evenly over the creates). */
  restarts: number;
  seed: number;
  /** Give up waiting for jobs to end after this long: what is still active then is lost. */
  drainTimeoutMs: number;
  /** Caps the tenant's jobs at fal, so the run also crosses the concurrency slots (default: no cap). */
  maxActiveJobs?: number;
  dataDir: string;
  /** Settings for the service that replace the defaults above (a test's shorter lease or schedule). */
  env?: Record<string, string>;
  log: (line: string) => void;
}

const BUCKET = 'reelay-chaos';
const TABLE = 'reelay-chaos-jobs';
const MODELS = ['seedance-1.5-pro', 'sora-2', 'kling-2.5-turbo-pro', 'veo-3.1'];
const PROMPTS = ['a fox in fresh snow', 'rain on a tin roof', 'a lighthouse at dusk', 'a paper boat'];

/**
 * fal's timings, scaled to the emulator's seconds-long generations (its answers, its webhook
 * retries, its typical generation time); every other setting is the production default, including
 * the archive lease (60 s) and its pickup time (120 s).
 */
const FAL_TIMINGS = {
  FAL_REQUEST_TIMEOUT_SECONDS: '2',
  REELAY_TYPICAL_GENERATION_SECONDS: '2',
  REELAY_WEBHOOK_GRACE_SECONDS: '12',
  REELAY_POLL_INTERVAL_SECONDS: '2',
  REELAY_SUBMIT_LEASE_SECONDS: '3',
  REELAY_RETRY_BASE_SECONDS: '0.5',
  REELAY_RETRY_MAX_SECONDS: '4',
};

/** The stand-ins: the reconciler runs once a minute, as the stack's schedule does on AWS. */
const LOCAL_TIMINGS = {
  REELAY_LOCAL_RECONCILE_SECONDS: '60',
  REELAY_LOCAL_QUEUE_VISIBILITY_SECONDS: '30',
  // Standard Webhooks' schedule, scaled from hours to seconds
  REELAY_WEBHOOK_RETRY_SCHEDULE: '0.5,1,2,4,8,8',
  REELAY_WEBHOOK_TIMEOUT_SECONDS: '5',
};

const SLOW_CDN = CHAOS_FAULTS.find((fault) => fault.name === 'CDN slow body') as ChaosFault;
/**
 * The tagged faults a multi-step video meets at its prompted steps (its clip, its scenes). CDN faults
 * stay with single videos: a multi-step video's archive copies its merge, which no tag reaches
 * (STEP_FAULTS covers the merge), and a broken CDN answer to fal's own download is not a CDN fault.
 */
const MULTI_STEP_FAULTS = CHAOS_FAULTS.filter((fault) => !fault.name.startsWith('CDN'));
/** Videos extensions continue, made (and completed) before the run. */
export const CHAOS_SOURCES = 3;
/** Share of deliveries the subscribed receiver refuses (503), so retries run too. */
const RECEIVER_REFUSALS = 0.1;
/** How long ended jobs' events may take to arrive after the last job ended. */
const EVENT_DRAIN_MS = 60_000;

const FAULT_TIMINGS: FaultTimings = {
  webhookDelayMs: 4_000,
  pastLaterDeliveryMs: 25_000,
  submitHangMs: 3_000,
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The chaos run: DynamoDB, S3 and the fal emulator live in this process (they outlive the
 * service, as AWS and fal do); the service runs as `npm start` in a child process that is killed
 * mid-run. Concurrent clients create jobs with Idempotency-Keys and retry whatever fails.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { log } = options;
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  mkdirSync(options.dataDir, { recursive: true });
  // the stand-ins accept any credentials but s3rver's own
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';

  const s3Writes = new Map<string, number>();
  const stoppers: Array<() => Promise<void>> = [];
  try {
    const dynamo = await startDynamo({});
    stoppers.push(dynamo.close);
    const s3 = await startS3({
      directory: join(options.dataDir, 's3'),
      bucket: BUCKET,
      onObjectCreated: (key) => s3Writes.set(key, (s3Writes.get(key) ?? 0) + 1),
    });
    stoppers.push(s3.close);
    const emulator: FalEmulator = await startFalEmulator({
      queueMs: 200,
      generationMs: 1_500,
      // fal retries for hours; scaled down, a delivery that met a dead service comes back within seconds
      webhookRetryDelaysMs: [300, 600, 1_000, 1_500, 2_000, 3_000, 4_000, 6_000, 8_000, 10_000],
    });
    stoppers.push(() => emulator.close());

    const dynamoClient = new DynamoDBClient({ region: 'us-east-1', endpoint: dynamo.endpoint });
    await ensureJobsTable(dynamoClient, TABLE);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const apiKey = `rly_chaos_${randomBytes(16).toString('hex')}`;
    const service = new ServiceProcess(
      {
        PORT: String(port),
        HOST: '127.0.0.1',
        REELAY_DATA_DIR: join(options.dataDir, 'service'),
        REELAY_DYNAMODB_ENDPOINT: dynamo.endpoint,
        REELAY_S3_ENDPOINT: s3.endpoint,
        REELAY_JOBS_TABLE: TABLE,
        REELAY_VIDEO_BUCKET: BUCKET,
        REELAY_API_KEYS: `chaos:${apiKey}`,
        // chaos is about faults, not about a tenant's rate limits, concurrency or budget
        REELAY_DEFAULT_REQUESTS_PER_MINUTE: '100000',
        REELAY_DEFAULT_CREATES_PER_MINUTE: '10000',
        REELAY_DEFAULT_MAX_ACTIVE_JOBS: String(options.maxActiveJobs ?? 10_000),
        REELAY_DEFAULT_MAX_QUEUED_JOBS: '5000',
        REELAY_DEFAULT_DAILY_BUDGET_USD: '1000000',
        REELAY_MAX_ACTIVE_JOBS: '2000',
        PUBLIC_URL: url,
        FAL_KEY: 'chaos-run',
        FAL_QUEUE_URL: emulator.url,
        FAL_REST_URL: emulator.url,
        FAL_JWKS_URL: emulator.jwksUrl,
        // the emulator's account, and its CDN as fal's media host
        FAL_WEBHOOK_USER_ID: emulator.userId,
        REELAY_FAL_MEDIA_HOSTS: new URL(emulator.url).host,
        ...FAL_TIMINGS,
        ...LOCAL_TIMINGS,
        ...options.env,
        // the service's log is the record of what happened: keep it whatever the caller's level
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      url,
      join(options.dataDir, 'service.log'),
    );
    stoppers.push(() => service.stop());
    await service.start();
    log(`service on ${url}; logs in ${join(options.dataDir, 'service.log')}`);

    // a subscribed receiver: every ended job's event must reach it at least once, across the SIGKILLs;
    // it verifies each delivery as it comes (the signature's timestamp is only good for 5 minutes)
    let signingSecret = '';
    const accepted = new Map<string, string[]>();
    let badSignatures = 0;
    const receiver: Receiver = await startReceiver((_, delivery) => {
      let event: { type: string; data: { id: string } };
      try {
        event = new Webhook(signingSecret).verify(
          delivery.body,
          delivery.headers as Record<string, string>,
        ) as typeof event;
      } catch {
        badSignatures++;
        return { status: 400 };
      }
      if (random() < RECEIVER_REFUSALS) return { status: 503 };
      accepted.set(event.data.id, [...(accepted.get(event.data.id) ?? []), event.type]);
      return { status: 200 };
    });
    stoppers.push(() => receiver.close());
    const subscribed = await fetch(`${url}/v1/webhook_endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        url: `${receiver.url}/chaos`,
        name: 'chaos',
        event_types: ['video.completed', 'video.failed'],
      }),
    });
    if (subscribed.status !== 200) throw new Error(`subscribing the receiver answered ${subscribed.status}`);
    ({ signing_secret: signingSecret } = (await subscribed.json()) as { signing_secret: string });
    // a client holding the live event stream open across the kills (reconnecting), as the studio does
    const watch = new LiveWatch(url, apiKey);
    watch.start();
    stoppers.push(async () => {
      await watch.stop();
    });

    const runs: JobRun[] = [];
    const stepFaults: Record<string, number> = {};
    const clientTrouble = { networkErrors: 0, serverErrors: 0, refused: 0, samples: [] as string[] };
    const started = Date.now();
    let next = 0;
    let created = 0;
    let restarting: Promise<void> | undefined;
    const restartAt = Array.from({ length: options.restarts }, (_, i) =>
      Math.floor((options.jobs * (i + 1)) / (options.restarts + 1)),
    );
    const killsAt = [...restartAt];
    const beforeKill = (n: number) => killsAt.some((at) => n < at && n >= at - 2 * options.clients);
    const leases = new ArchiveLeaseWatch(createDynamoJobStore(dynamoClient, TABLE));
    const kills: KillRecord[] = [];
    const restart = async () => {
      // in the middle of archives: wait (a little) for one to be running
      const archiving = await leases.waitForLive(10_000);
      await service.kill();
      const killedAt = Date.now();
      const orphans = await leases.live();
      log(
        `killed the service (SIGKILL) after ${created} creates, ${orphans.length} archive(s) in flight` +
          `${archiving ? '' : ' (none was running within 10 s)'}; restarting`,
      );
      const kill: KillRecord = {
        killedAt,
        restartedAt: 0,
        orphans: orphans.map((orphan) => ({ ...orphan })),
      };
      kills.push(kill);
      leases.follow(kill);
      await service.start();
      kill.restartedAt = Date.now();
      log('service back');
    };

    // the videos extensions continue: completed before the run, and counted among its jobs
    const sources: string[] = [];
    for (let n = 0; n < CHAOS_SOURCES; n++) {
      const tag = `chaos-${options.seed}-source${n}`;
      const response = await fetch(`${url}/v1/videos`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
          'idempotency-key': tag,
        },
        body: JSON.stringify({ prompt: `${pick(PROMPTS)} ${tag}`, model: 'seedance-1.5-pro', seconds: '4' }),
      });
      if (response.status !== 200) throw new Error(`creating a source answered ${response.status}`);
      const { id } = (await response.json()) as { id: string };
      runs.push({ tag, id, createAttempts: 1, kind: 'video' });
      sources.push(id);
    }
    while ((await countActive(url, apiKey)) > 0) await sleep(200);

    const multiStepShare = options.multiStepShare ?? 0.2;
    /** What a create asks for: a video, an extension of a source, or a sequence of 2 or 3 scenes. */
    const request = (kind: JobRun['kind'], tag: string) => {
      const prompt = () => `${pick(PROMPTS)} ${tag}`;
      if (kind === 'extension')
        return {
          path: '/v1/videos/extensions',
          body: { video: { id: pick(sources) }, prompt: prompt(), seconds: '4' },
        };
      if (kind === 'sequence')
        return {
          path: '/v1/sequences',
          body: {
            model: pick(['seedance-1.5-pro', 'sora-2']),
            continuity: random() < 0.5,
            scenes: Array.from({ length: 2 + Math.floor(random() * 2) }, () => ({
              prompt: prompt(),
              seconds: '4',
            })),
          },
        };
      return { path: '/v1/videos', body: { prompt: prompt(), model: pick(MODELS) } };
    };

    async function createOne(n: number): Promise<void> {
      const tag = `chaos-${options.seed}-j${String(n).padStart(6, '0')}`;
      const draw = random();
      const everyFault = options.everyFaultFirst === true && n < CHAOS_FAULTS.length;
      // right after the faults, one of each multi-step kind, so a small run always meets both
      const everyKind =
        options.everyFaultFirst === true && multiStepShare > 0 && n - CHAOS_FAULTS.length < 2
          ? (['extension', 'sequence'] as const)[n - CHAOS_FAULTS.length]
          : undefined;
      const kind: JobRun['kind'] = everyFault
        ? 'video'
        : everyKind
          ? everyKind
          : draw < multiStepShare / 2
            ? 'extension'
            : draw < multiStepShare
              ? 'sequence'
              : 'video';
      const faultsOfKind = kind === 'video' ? CHAOS_FAULTS : MULTI_STEP_FAULTS;
      const drawn: ChaosFault | undefined = everyFault
        ? CHAOS_FAULTS[n]
        : random() < options.faultRate
          ? pick(faultsOfKind)
          : undefined;
      // the jobs just before a kill copy slowly (about a second), so the kill lands in their archives
      const fault = drawn ?? (beforeKill(n) && kind === 'video' ? SLOW_CDN : undefined);
      for (const falFault of fault?.faults(tag, FAULT_TIMINGS) ?? []) emulator.injectFault(falFault);
      // and at the steps no tag reaches: the next frame or merge of whichever job comes first
      if (kind !== 'video' && random() < options.faultRate) {
        const stepFault = pick(STEP_FAULTS);
        for (const falFault of stepFault.faults(tag, FAULT_TIMINGS)) emulator.injectFault(falFault);
        stepFaults[stepFault.name] = (stepFaults[stepFault.name] ?? 0) + 1;
      }
      const { path, body: asked } = request(kind, tag);
      const body = JSON.stringify(asked);
      for (let attempt = 1; ; attempt++) {
        try {
          const response = await fetch(`${url}${path}`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${apiKey}`,
              'content-type': 'application/json',
              'idempotency-key': tag,
            },
            body,
            signal: AbortSignal.timeout(30_000),
          });
          if (response.status === 200) {
            const answer = (await response.json()) as { id: string; video_id?: string };
            // a sequence is its merged video
            const id = answer.video_id ?? answer.id;
            runs.push({
              tag,
              id,
              kind,
              fault: fault?.name,
              expectedFailure: fault?.fails,
              createAttempts: attempt,
            });
            return;
          }
          const text = await response.text();
          if (clientTrouble.samples.length < 10)
            clientTrouble.samples.push(`${tag}: ${response.status} ${text.slice(0, 300)}`);
          if (response.status >= 500) clientTrouble.serverErrors++;
          else {
            clientTrouble.refused++;
            log(`create ${tag} answered ${response.status}: ${text.slice(0, 200)}`);
            if (response.status !== 429) return;
          }
        } catch {
          clientTrouble.networkErrors++;
        }
        await sleep(Math.min(2_000, 50 * 2 ** attempt) * (0.5 + random() / 2));
      }
    }

    async function client(): Promise<void> {
      for (let n = next++; n < options.jobs; n = next++) {
        await createOne(n);
        created++;
        if (restartAt[0] !== undefined && created >= restartAt[0] && !restarting) {
          restartAt.shift();
          restarting = restart().finally(() => {
            restarting = undefined;
          });
        }
      }
    }
    await Promise.all(Array.from({ length: options.clients }, client));
    while (restarting) await restarting;
    const createdAt = Date.now();
    log(`${runs.length} jobs created in ${createdAt - started} ms; waiting for them to end`);

    // drain as a client would: list the videos until none is still queued or in progress
    const deadline = Date.now() + options.drainTimeoutMs;
    for (;;) {
      const active = await countActive(url, apiKey);
      if (active === 0 || Date.now() > deadline) break;
      await sleep(500);
    }
    const drainedAt = Date.now();
    await leases.stop();

    // then wait for the events of every ended job (their retries may still be on the way)
    const eventDeadline = Date.now() + EVENT_DRAIN_MS;
    while (!runs.every((run) => accepted.has(run.id)) && Date.now() < eventDeadline) await sleep(500);
    log(`${receiver.at('/chaos').length} deliveries reached the receiver`);

    const store = createDynamoJobStore(dynamoClient, TABLE);
    const s3Client = new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const jobs = new Map<string, Job>();
    for (const run of runs) {
      const job = await store.get(run.id);
      if (job) jobs.set(run.id, job);
    }
    const scenes = new Map<string, (Job | undefined)[]>();
    for (const job of jobs.values())
      if (job.sceneIds) scenes.set(job.id, await Promise.all(job.sceneIds.map((id) => store.get(id))));
    const objects = new Map<string, string>();
    const expected = new Map<string, string>();
    for (const job of jobs.values()) {
      if (job.state !== 'completed' || !job.archive || !job.requestId) continue;
      const object = await s3Client
        .send(new GetObjectCommand({ Bucket: BUCKET, Key: job.archive.key }))
        .then(async (answer) => Buffer.from((await answer.Body?.transformToByteArray()) ?? []))
        .catch(() => undefined);
      if (object) objects.set(job.id, sha256(object));
      expected.set(job.id, sha256(await emulator.outputBytes(job.requestId)));
    }
    // the live stream: every ended job's final event, seen on the held stream or asked for afterwards
    const finals = new Map(
      [...jobs.values()]
        .filter((job) => job.state === 'completed' || job.state === 'failed')
        .map((job) => [job.id, `video.${job.state}`]),
    );
    await watch.catchUp(finals);
    const live = await watch.stop();
    stoppers.pop();
    log(
      `live stream: reopened ${live.reconnects} time(s); ${live.caughtUp.size} final event(s) asked for afterwards`,
    );
    const allTenantJobs: string[] = [];
    for (let after: string | undefined; ; ) {
      const page = await store.listByTenant('chaos', { after, limit: 100, order: 'asc' });
      allTenantJobs.push(...page.jobs.map((job) => job.id));
      if (!page.hasMore) break;
      after = page.jobs.at(-1)?.id;
    }
    await service.stop();
    stoppers.pop();

    return analyse({
      runs,
      jobs,
      falRequests: emulator.requests(),
      falStats: emulator.stats(),
      s3Writes,
      archivedSha256: objects,
      falSha256: expected,
      tenantJobIds: allTenantJobs,
      scenes,
      restarts: service.starts - 1,
      kills,
      clientTrouble,
      events: { accepted, badSignatures },
      live,
      stepFaults,
      timings: {
        createMs: createdAt - started,
        drainMs: drainedAt - createdAt,
        totalMs: drainedAt - started,
      },
    });
  } finally {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
  }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Videos still queued or in progress, and the scenes of sequences still running (a scene is no video of its own). */
async function countActive(url: string, apiKey: string): Promise<number> {
  return (
    (await countPages(url, apiKey, '/v1/videos', (video) => [video.status])) +
    (await countPages(url, apiKey, '/v1/sequences', (sequence) =>
      (sequence.scenes ?? []).map((scene) => scene.status),
    ))
  );
}

async function countPages(
  url: string,
  apiKey: string,
  path: string,
  statuses: (item: { status: string; scenes?: Array<{ status: string }> }) => string[],
): Promise<number> {
  let active = 0;
  for (let after: string | undefined; ; ) {
    const query = new URLSearchParams({ limit: '100', order: 'asc', ...(after && { after }) });
    const response = await fetch(`${url}${path}?${query}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    }).catch(() => undefined);
    if (!response?.ok) return Number.POSITIVE_INFINITY;
    const page = (await response.json()) as {
      data: Array<{ id: string; status: string; scenes?: Array<{ status: string }> }>;
      has_more: boolean;
    };
    active += page.data
      .flatMap(statuses)
      .filter((status) => status === 'queued' || status === 'in_progress').length;
    if (!page.has_more) return active;
    after = page.data.at(-1)?.id;
  }
}
