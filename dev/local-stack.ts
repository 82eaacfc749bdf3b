import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createApiApp } from '../functions/api/app.ts';
import { createArchiverHandler } from '../functions/archiver/archiver.ts';
import { issueApiKey } from '../functions/core/accounts/issue-key.ts';
import { loadConfig } from '../functions/core/config.ts';
import type { Deps } from '../functions/core/deps.ts';
import { hashApiKey, ISSUED_KEY_PATTERN, keyHint, keyIdOf } from '../functions/core/domain/api-key.ts';
import { notFound } from '../functions/core/errors.ts';
import { errorHandler, notFoundHandler } from '../functions/core/http/error-handler.ts';
import { nosniff } from '../functions/core/http/nosniff.ts';
import type { LivePush } from '../functions/core/live/live-push.ts';
import {
  createPrometheusMetrics,
  type PrometheusMetrics,
} from '../functions/core/metrics/prometheus/prometheus-metrics.ts';
import { buildDeps } from '../functions/core/wiring.ts';
import { createEventDelivererHandler } from '../functions/event-deliverer/deliverer.ts';
import { createFalWebhookApp } from '../functions/fal-webhook/app.ts';
import { createFollowUpWorker } from '../functions/follow-up/worker.ts';
import { createReconcilerHandler } from '../functions/reconciler/reconciler.ts';
import type { FunctionName } from '../infra/bundling.ts';
import {
  ensureAccountsTable,
  ensureConnectionsTable,
  ensureJobsTable,
  ensureUsageTable,
  ensureWebhooksTable,
  startDynamo,
} from './embedded/dynamodb.ts';
import { startS3 } from './embedded/s3.ts';
import { attachEventStream, type EventStreamServer } from './event-stream.ts';
import { type FalEmulator, type FalEmulatorOptions, startFalEmulator } from './fal-emulator/index.ts';
import { LOCAL_TENANT_LIMITS, loadLocalSettings } from './local-config.ts';
import { LocalQueue } from './local-queue.ts';
import { startSchedule } from './local-schedule.ts';

export interface LocalStackOptions {
  /** Environment to read settings from (default process.env); values here win over it. */
  env?: Record<string, string | undefined>;
  /** Keep DynamoDB in memory instead of under the data dir (tests). */
  inMemory?: boolean;
  /** false: no timer; tests call `reconcile()` themselves. */
  schedule?: boolean;
  emulator?: Partial<FalEmulatorOptions>;
  /** Overrides for the service's dependencies, e.g. a clock that tests move forward. */
  deps?: Partial<Deps>;
  /**
   * What each function runs with, from the shared dependencies (default: those, for every
   * function). Lets a test give each function its own recorded AWS clients, as Lambda gives each its own role.
   */
  depsFor?: (fn: FunctionName, deps: Deps) => Deps;
}

export interface LocalStack {
  url: string;
  apiKey: string;
  deps: Deps;
  /** Undefined when a real FAL_KEY is used. */
  emulator?: FalEmulator;
  queue: LocalQueue;
  /** The follow-up worker's queue: the next waiting job, resubmits, missing results, cancels. */
  followUps: LocalQueue;
  /** What the functions would send CloudWatch, served as Prometheus text at GET /metrics. */
  metrics: PrometheusMetrics;
  /** The event delivery queue (client webhooks) and its dead-letter store. */
  eventQueue: LocalQueue;
  /** GET /v1/events: the WebSocket API's local twin on the same port. */
  events: EventStreamServer;
  /** Objects written to the embedded S3, per key (puts and completed multipart uploads). */
  objectWrites: ReadonlyMap<string, number>;
  /** One reconcile pass through the real reconciler handler. */
  reconcile(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The dev tenant `local` and its key, kept in the accounts table like any issued key (so the admin CLI
 * lists and revokes it) and in the data dir, so it survives restarts; printed on start. A key in the
 * file that the table does not know (an in-memory table, an older data dir) is adopted under its hash;
 * a revoked one is replaced.
 */
async function devApiKey(dataDir: string, deps: Deps): Promise<string> {
  const file = join(dataDir, 'dev-api-key');
  const now = deps.now();
  // generous rate limits, unless `npm run admin -- --local tenants set-limits local …` set its own
  const overrides = (await deps.tenants.get('local'))?.limits ?? {};
  await deps.tenants.setLimits(
    'local',
    Object.fromEntries(Object.entries(LOCAL_TENANT_LIMITS).filter(([name]) => !(name in overrides))),
  );
  const existing = existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
  // an older data dir's `rly_dev_…` key is not of the issued shape: it is replaced
  if (existing && ISSUED_KEY_PATTERN.test(existing)) {
    const hash = hashApiKey(existing);
    const record = await deps.keys.findByHash(hash);
    if (record?.revokedAt === undefined && (record?.tenant ?? 'local') === 'local') {
      if (!record) {
        await deps.keys.create(hash, {
          keyId: keyIdOf(hash),
          tenant: 'local',
          name: 'dev',
          hint: keyHint(existing),
          createdAt: now,
        });
      }
      return existing;
    }
  }
  const { key } = await issueApiKey(deps.keys, { tenant: 'local', name: 'dev', now });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

/** The key that seals webhook signing secrets, kept in the data dir so secrets survive restarts. */
function localSecretsKey(dataDir: string): string {
  const file = join(dataDir, 'webhook-secrets-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

type Fetch = (request: Request) => Response | Promise<Response>;

/** `POST /webhooks/fal` (API Gateway's route to the fal-webhook function), read without parsing the URL. */
function isFalWebhook(request: Request): boolean {
  if (request.method !== 'POST') return false;
  const { url } = request;
  const path = url.indexOf('/', url.indexOf('//') + 2);
  const end = path + '/webhooks/fal'.length;
  return url.startsWith('/webhooks/fal', path) && (end === url.length || url[end] === '?');
}

const portFor = (explicit: number | undefined, base: number, offset: number) =>
  explicit ?? (base === 0 ? 0 : base + offset);

/**
 * The whole service on one machine: dynalite, s3rver, the fal emulator (unless FAL_KEY is set),
 * the in-process archive queue and schedule, and one HTTP server for the API and fal's webhook,
 * all calling the same code the Lambda functions run.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const env = { ...process.env, ...options.env };
  const settings = loadLocalSettings(env);
  const dataDir = resolve(settings.REELAY_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  // the local process talks only to the stand-ins; s3rver accepts no key but its own (dynalite takes any)
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;

  const stoppers: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const close of stoppers.reverse()) await close().catch(() => undefined);
  };
  try {
    const bucket = env.REELAY_VIDEO_BUCKET ?? 'reelay-videos';
    const objectWrites = new Map<string, number>();
    // the server listens before the service is built (its URL goes into the config): requests wait for it
    let built: (fetch: Fetch) => void = () => {};
    const service = new Promise<Fetch>((resolve) => {
      built = resolve;
    });
    // given endpoints (DynamoDB Local, MinIO, or the chaos run's servers, which outlive this process) are used as they are
    const dynamo = env.REELAY_DYNAMODB_ENDPOINT
      ? { endpoint: env.REELAY_DYNAMODB_ENDPOINT, close: async () => undefined }
      : await startDynamo({
          path: options.inMemory ? undefined : join(dataDir, 'dynamodb'),
          port: portFor(settings.REELAY_LOCAL_DYNAMODB_PORT, settings.PORT, 3),
        });
    stoppers.push(dynamo.close);
    const s3 = env.REELAY_S3_ENDPOINT
      ? { endpoint: env.REELAY_S3_ENDPOINT, close: async () => undefined }
      : await startS3({
          directory: join(dataDir, 's3'),
          bucket,
          port: portFor(settings.REELAY_LOCAL_S3_PORT, settings.PORT, 2),
          onObjectCreated: (key) => objectWrites.set(key, (objectWrites.get(key) ?? 0) + 1),
        });
    stoppers.push(s3.close);

    const realFal = Boolean(env.FAL_KEY);
    let emulator: FalEmulator | undefined;
    if (!realFal) {
      emulator = await startFalEmulator({
        port: portFor(settings.REELAY_LOCAL_FAL_PORT, settings.PORT, 1),
        stateDir: join(dataDir, 'fal-emulator'),
        generationMs: settings.REELAY_LOCAL_FAL_GENERATION_SECONDS * 1000,
        mediaTtlMs: settings.REELAY_LOCAL_FAL_MEDIA_TTL_SECONDS * 1000,
        ...options.emulator,
      });
      stoppers.push(() => (emulator as FalEmulator).close());
    }

    const http: ServerType = await new Promise((ready) => {
      const server = serve(
        {
          fetch: (request) => service.then((fetch) => fetch(request)),
          port: settings.PORT,
          hostname: settings.HOST,
        },
        () => ready(server),
      );
    });
    stoppers.push(() => new Promise((done) => http.close(() => done())));
    const port = (http.address() as AddressInfo).port;
    const url = `http://${settings.HOST === '0.0.0.0' ? '127.0.0.1' : settings.HOST}:${port}`;

    const config = loadConfig({
      ...env,
      REELAY_DYNAMODB_ENDPOINT: dynamo.endpoint,
      REELAY_S3_ENDPOINT: s3.endpoint,
      REELAY_VIDEO_BUCKET: bucket,
      REELAY_ALLOW_LOCAL_URLS: 'true',
      REELAY_WEBHOOK_SECRETS_KEY: env.REELAY_WEBHOOK_SECRETS_KEY || localSecretsKey(dataDir),
      // the emulator reaches us on loopback; real fal needs PUBLIC_URL (a tunnel) or polling does the work
      PUBLIC_URL: env.PUBLIC_URL || (realFal ? undefined : url),
      ...(emulator && {
        FAL_KEY: 'local-emulator',
        FAL_QUEUE_URL: emulator.url,
        FAL_REST_URL: emulator.url,
        FAL_JWKS_URL: emulator.jwksUrl,
        FAL_RUN_URL: `${emulator.url}/run`,
        // progress and estimated_completion_at follow the emulator's real timing, not fal's minute
        REELAY_TYPICAL_GENERATION_SECONDS:
          env.REELAY_TYPICAL_GENERATION_SECONDS || String(Math.max(0.05, emulator.typicalMs() / 1000)),
        // the emulator's own account, and its CDN beside fal's media hosts
        FAL_WEBHOOK_USER_ID: emulator.userId,
        REELAY_FAL_MEDIA_HOSTS: [
          env.REELAY_FAL_MEDIA_HOSTS || 'fal.media,*.fal.media',
          new URL(emulator.url).host,
        ].join(','),
        FAL_API_URL: emulator.url,
      }),
    });
    // the SQS twins: at-least-once, redelivery after the visibility timeout, a dead-letter store
    const localQueue = (name: string, concurrency: number) =>
      new LocalQueue({
        name: `reelay-${name}`,
        region: config.region,
        visibilityTimeoutMs: settings.REELAY_LOCAL_QUEUE_VISIBILITY_SECONDS * 1000,
        maxReceiveCount: config.archiveMaxReceives,
        concurrency,
        file: options.inMemory ? undefined : join(dataDir, `${name}-queue.json`),
      });
    const queue = localQueue('archive', 4);
    const followUps = localQueue('follow-up', 2);
    const eventQueue = localQueue('events', 4);
    const metrics = createPrometheusMetrics();
    // the deliverer posts to streams through the local server, as through API Gateway's management API
    let streams: LivePush | undefined;
    const livePush: LivePush = {
      post: (connectionId, body) => (streams ? streams.post(connectionId, body) : Promise.resolve('gone')),
      isOpen: (connectionId) => (streams ? streams.isOpen(connectionId) : Promise.resolve(false)),
    };
    const deps = buildDeps(config, {
      archiveQueue: queue,
      followUps,
      eventQueue,
      metrics,
      livePush,
      ...options.deps,
    });
    const dynamoClient = new DynamoDBClient({ region: config.region, endpoint: dynamo.endpoint });
    await ensureJobsTable(dynamoClient, config.jobsTable);
    await ensureAccountsTable(dynamoClient, config.accountsTable);
    await ensureUsageTable(dynamoClient, config.usageTable);
    await ensureWebhooksTable(dynamoClient, config.webhooks.table);
    await ensureConnectionsTable(dynamoClient, config.events.connectionsTable);
    const apiKey = await devApiKey(dataDir, deps);
    // streams live in this process: whatever a test wires per function, posts go to the local server
    const depsOf = (fn: FunctionName): Deps => {
      const own = options.depsFor?.(fn, deps);
      return own ? { ...own, livePush: deps.livePush } : deps;
    };

    const root = new Hono();
    root.onError(errorHandler(deps.logger));
    root.notFound(notFoundHandler);
    // the local routes' own; the API's and the webhook's apps set theirs
    root.use('*', nosniff());
    // the local twin of the SQS console: what waits, what was dead-lettered, and `npm run redrive`
    root.get('/_local/archive-queue', (c) =>
      c.json({
        ...queue.depth(),
        deadLetters: queue.deadLetterMessages().map(({ messageId, body, receiveCount }) => ({
          messageId,
          body,
          receiveCount,
        })),
      }),
    );
    root.post('/_local/archive-queue/redrive', (c) => c.json({ moved: queue.redrive() }));
    root.get('/_local/event-queue', (c) =>
      c.json({
        ...eventQueue.depth(),
        deadLetters: eventQueue.deadLetterMessages().map(({ messageId, body, receiveCount }) => ({
          messageId,
          body,
          receiveCount,
        })),
      }),
    );
    root.post('/_local/event-queue/redrive', (c) => c.json({ moved: eventQueue.redrive() }));
    // the numbers the stack's CloudWatch dashboard shows on AWS (docs/operations.md)
    root.get('/metrics', (c) =>
      c.text(metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }),
    );
    // the studio offers the dev key with one click, only to a page opened by a loopback name: a page on
    // another origin cannot read this (no CORS), and a rebound DNS name does not match the Host check
    root.get('/_local/dev-key', (c) => {
      if (!/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(c.req.header('host') ?? '')) {
        throw notFound('The dev key', undefined);
      }
      return c.json({ key: apiKey, tenant: 'local' });
    });
    root.route('/', createApiApp(depsOf('api')));
    // fal's deliveries go straight to the webhook function's own app, as API Gateway routes them: mounted
    // in the root, every handler of it would be wrapped and matched beside the API's (BENCHMARKS.md §2)
    const webhook = createFalWebhookApp(depsOf('fal-webhook'));
    built((request) => (isFalWebhook(request) ? webhook.fetch(request) : root.fetch(request)));
    const events = attachEventStream(http as Server, depsOf('event-stream'), {
      pingMs: settings.REELAY_LOCAL_EVENTS_PING_SECONDS * 1000,
    });
    streams = events;
    stoppers.push(() => events.close());

    queue.start(createArchiverHandler(depsOf('archiver')));
    stoppers.push(() => queue.close());
    followUps.start(createFollowUpWorker(depsOf('follow-up')));
    stoppers.push(() => followUps.close());
    eventQueue.start(createEventDelivererHandler(depsOf('event-deliverer')));
    stoppers.push(() => eventQueue.close());
    const schedule = startSchedule({
      intervalMs: options.schedule === false ? 2 ** 31 - 1 : settings.REELAY_LOCAL_RECONCILE_SECONDS * 1000,
      region: config.region,
      ruleName: 'reelay-reconcile',
      timeoutMs: 60_000,
      handler: createReconcilerHandler(depsOf('reconciler')),
      onError: (error) => deps.logger.error('reconcile failed', { error: String(error) }),
    });
    stoppers.push(schedule.stop);
    if (options.schedule !== false) void schedule.runNow();

    return {
      url,
      apiKey,
      deps,
      emulator,
      queue,
      followUps,
      eventQueue,
      metrics,
      events,
      objectWrites,
      reconcile: schedule.runNow,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
