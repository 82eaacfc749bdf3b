// zod/mini: the same validation as zod's classic API at a fraction of its cold start (schemas without
// methods), since every function builds and runs this schema at init (BENCHMARKS.md, cold start)
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { type GlobalLimits, poolShardCount } from './domain/limits.ts';
import { compileBlocklist } from './domain/prompt-safety.ts';
import { checkStylePreset, type StylePreset } from './domain/styles.ts';
import type { TenantLimits } from './domain/tenant.ts';

/**
 * One setting: its schema, built only when the environment sets the variable, and its value when the
 * variable is unset or blank (what the schema's default gives, without building the schema).
 */
export interface Setting<T> {
  schema: () => z.ZodMiniType<T, unknown>;
  unset: () => T;
}

type NumberChecks = () => Array<z.core.$ZodCheck<number>>;
type TextChecks = () => Array<z.core.$ZodCheck<string>>;
const noChecks = () => [];
/** A number written as a string, with its checks; `fallback` when unset. */
const number = (fallback: number, checks: NumberChecks = noChecks): Setting<number> => ({
  schema: () => z._default(z.coerce.number().check(...checks()), fallback),
  unset: () => fallback,
});
const optionalNumber = (checks: NumberChecks): Setting<number | undefined> => ({
  schema: () => z.optional(z.coerce.number().check(...checks())),
  unset: () => undefined,
});
const text = (fallback: string, checks: TextChecks = noChecks): Setting<string> => ({
  schema: () => z._default(z.string().check(...checks()), fallback),
  unset: () => fallback,
});
const optionalText = (checks: TextChecks): Setting<string | undefined> => ({
  schema: () => z.optional(z.string().check(...checks())),
  unset: () => undefined,
});
const url = (fallback: string): Setting<string> => ({
  schema: () => z._default(z.url(), fallback),
  unset: () => fallback,
});
const optionalUrl = (): Setting<string | undefined> => ({
  schema: () => z.optional(z.url()),
  unset: () => undefined,
});
const choice = <const T extends string>(values: readonly [T, ...T[]], fallback: T): Setting<T> => ({
  schema: () => z._default(z.enum(values), fallback),
  unset: () => fallback,
});
/** A string turned into something else; what `parse` throws is the setting's error message. */
const parsedText = <T>(fallback: string, parse: (value: string) => T, empty: T): Setting<T> => ({
  schema: () =>
    z.pipe(
      z._default(z.string(), fallback),
      z.transform((value: string, context) => {
        try {
          return parse(value);
        } catch (error) {
          context.issues.push({
            code: 'custom',
            message: error instanceof Error ? error.message : String(error),
            input: value,
          });
          return empty;
        }
      }),
    ),
  unset: () => parse(fallback),
});
const onOff = (fallback: 'true' | 'false'): Setting<boolean> => ({
  schema: () =>
    z.pipe(
      z._default(z.enum(['true', 'false', '1', '0']), fallback),
      z.transform((value: 'true' | 'false' | '1' | '0') => value === 'true' || value === '1'),
    ),
  unset: () => fallback === 'true',
});
const flag = onOff('false');
const seconds = (fallback: number) => number(fallback, () => [z.int(), z.positive()]);
/** Fractions allowed: the emulator, tests and the chaos run use short timings. */
const duration = (fallback: number) => number(fallback, () => [z.positive(), z.maximum(86_400)]);

export interface ApiKey {
  tenant: string;
  key: string;
}

/** `tenant:key` or a bare key (tenant `default`), comma-separated: the format of REELAY_API_KEYS and of its secret. */
export function parseApiKeys(value: string): ApiKey[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(':');
      const [tenant, key] = colon > 0 ? [entry.slice(0, colon), entry.slice(colon + 1)] : ['default', entry];
      if (key.length < 16)
        throw new ConfigError(`the API key for tenant ${tenant} is shorter than 16 characters`);
      return { tenant, key };
    });
}

/** Every setting Reelay reads, from the environment, validated once. Listed in docs/configuration.md (a test keeps the two in step). */
/**
 * Every setting Reelay reads, from the environment. Listed in docs/configuration.md (a test keeps the
 * two in step). A setting's schema is built only when the environment sets it: building all of them
 * cost each function about 10 ms of its cold start, while Lambda sets a dozen (BENCHMARKS.md §1).
 */
export const SETTINGS = {
  PUBLIC_URL: optionalUrl(),
  FAL_KEY: optionalText(() => [z.minLength(1)]),
  FAL_KEY_SECRET_ID: optionalText(() => [z.minLength(1)]),
  FAL_QUEUE_URL: url('https://queue.fal.run'),
  FAL_REST_URL: url('https://rest.fal.ai'),
  FAL_JWKS_URL: url('https://rest.fal.ai/.well-known/jwks.json'),
  /** How long the last good webhook key set keeps verifying while fal's JWKS cannot be fetched, counted from its fetch (it is refetched hourly). */
  FAL_JWKS_MAX_AGE_SECONDS: number(86_400, () => [z.int(), z.minimum(3_600), z.maximum(604_800)]),
  /** The operator's fal user id, as fal signs it in X-Fal-Webhook-User-Id; unset: learnt (core/fal/account-pin.ts). */
  FAL_WEBHOOK_USER_ID: optionalText(() => [z.minLength(1), z.maxLength(256)]),
  /** Hosts the archiver may download fal's output from: `host`, `host:port` or `*.domain`, comma-separated. */
  REELAY_FAL_MEDIA_HOSTS: parsedText(
    'fal.media,*.fal.media',
    (value) =>
      value
        .split(',')
        .map((entry) => entry.trim().toLowerCase())
        .filter(Boolean),
    [],
  ),
  FAL_REQUEST_TIMEOUT_SECONDS: number(20, () => [z.positive(), z.maximum(120)]),
  REELAY_API_KEYS: parsedText('', parseApiKeys, []),
  /** A Secrets Manager secret holding more keys in the same format (how a deployed stack gets its keys). */
  REELAY_API_KEYS_SECRET_ID: optionalText(() => [z.minLength(1)]),
  REELAY_JOBS_TABLE: text('reelay-jobs', () => [z.minLength(3)]),
  /** Tenants, API keys and rate-limit counters (functions/core/store/dynamodb/accounts-table.ts). */
  REELAY_ACCOUNTS_TABLE: text('reelay-accounts', () => [z.minLength(3)]),
  /** How long a function keeps an API key lookup (and a tenant's limits): revocation takes effect within it. */
  REELAY_ACCOUNTS_CACHE_SECONDS: number(30, () => [z.minimum(0), z.maximum(300)]),
  /** Defaults of every TenantLimits field; `npm run admin -- tenants set-limits` overrides them per tenant. */
  REELAY_DEFAULT_REQUESTS_PER_MINUTE: number(60, () => [z.int(), z.minimum(1), z.maximum(100_000)]),
  REELAY_DEFAULT_CREATES_PER_MINUTE: number(10, () => [z.int(), z.minimum(1), z.maximum(10_000)]),
  REELAY_DEFAULT_MAX_ACTIVE_JOBS: number(5, () => [z.int(), z.minimum(1), z.maximum(10_000)]),
  REELAY_DEFAULT_MAX_QUEUED_JOBS: number(100, () => [z.int(), z.minimum(0), z.maximum(5_000)]),
  REELAY_DEFAULT_DAILY_BUDGET_USD: number(50, () => [z.minimum(0), z.maximum(1_000_000)]),
  REELAY_DEFAULT_MAY_DISABLE_SAFETY_CHECKER: flag,
  /** Concurrency slots and daily spend per tenant and overall (functions/core/store/dynamodb/usage-table.ts). */
  REELAY_USAGE_TABLE: text('reelay-usage', () => [z.minLength(3)]),
  /** Jobs at fal at once, all tenants together (each tenant also has its own maxActiveJobs). */
  REELAY_MAX_ACTIVE_JOBS: number(50, () => [z.int(), z.minimum(1), z.maximum(2_000)]),
  /** Items the deployment's pool is split over; unset: one per 50 slots (domain/limits.ts poolShardCount). */
  REELAY_POOL_SHARDS: optionalNumber(() => [z.int(), z.minimum(1), z.maximum(100)]),
  /** Estimated spend per UTC day, all tenants together; unset: no overall budget. */
  REELAY_DAILY_BUDGET_USD: optionalNumber(() => [z.minimum(0), z.maximum(10_000_000)]),
  REELAY_VIDEO_BUCKET: text('reelay-videos', () => [z.minLength(3)]),
  REELAY_ARCHIVE_QUEUE_URL: optionalUrl(),
  /** Work for other jobs (the next waiting job, a resubmit, a missing result, a cancel): the follow-up worker's queue. */
  REELAY_FOLLOW_UP_QUEUE_URL: optionalUrl(),
  /** The archive queue's maxReceiveCount: the delivery after which a failing message goes to the dead-letter queue. */
  REELAY_ARCHIVE_MAX_RECEIVES: number(5, () => [z.int(), z.minimum(1), z.maximum(1_000)]),
  AWS_REGION: text('us-east-1'),
  REELAY_DYNAMODB_ENDPOINT: optionalUrl(),
  REELAY_S3_ENDPOINT: optionalUrl(),
  REELAY_SQS_ENDPOINT: optionalUrl(),
  REELAY_MAX_JOB_AGE_SECONDS: seconds(7_200),
  REELAY_MAX_SUBMIT_ATTEMPTS: number(5, () => [z.int(), z.minimum(1), z.maximum(20)]),
  REELAY_MAX_GENERATION_ATTEMPTS: number(3, () => [z.int(), z.minimum(1), z.maximum(10)]),
  REELAY_MAX_ARCHIVE_ATTEMPTS: number(5, () => [z.int(), z.minimum(1), z.maximum(20)]),
  REELAY_WEBHOOK_GRACE_SECONDS: seconds(120),
  REELAY_POLL_INTERVAL_SECONDS: seconds(30),
  REELAY_SUBMIT_LEASE_SECONDS: duration(60),
  REELAY_ARCHIVE_PICKUP_SECONDS: duration(120),
  /** How long a dead archive worker holds its job: the recovery time after a crash (docs/reliability.md). */
  REELAY_ARCHIVE_LEASE_SECONDS: duration(60),
  /** How often a live archive worker renews its lease; default a third of the lease. */
  REELAY_ARCHIVE_LEASE_RENEW_SECONDS: optionalNumber(() => [z.positive(), z.maximum(86_400)]),
  REELAY_RETRY_BASE_SECONDS: duration(5),
  REELAY_RETRY_MAX_SECONDS: duration(300),
  /** Replaces every model's typical generation time (progress, webhook wait): for the emulator, or a fal queue that runs consistently faster or slower. */
  REELAY_TYPICAL_GENERATION_SECONDS: optionalNumber(() => [z.positive(), z.maximum(3_600)]),
  REELAY_DOWNLOAD_URL_TTL_SECONDS: number(3_600, () => [z.int(), z.minimum(60), z.maximum(3_600)]),
  REELAY_VIDEO_RETENTION_DAYS: optionalNumber(() => [z.int(), z.positive()]),
  REELAY_RECONCILE_BATCH: number(25, () => [z.int(), z.minimum(1), z.maximum(500)]),
  /** What an API request may spend on outbound calls: API Gateway gives up at 29 s. */
  REELAY_API_DEADLINE_SECONDS: number(28, () => [z.positive(), z.maximum(29)]),
  /** Lets image URLs and webhooks use http and loopback: for the local stack only. */
  REELAY_ALLOW_LOCAL_URLS: flag,
  /** Archive a thumbnail (and Sora's spritesheet) beside each video; off: none, and no extract-frame calls. */
  REELAY_THUMBNAILS: onOff('true'),
  /** Sora videos are made with fal's `delete_video: false` (kept at OpenAI), so they can be remixed. */
  REELAY_KEEP_SORA_VIDEOS: onOff('true'),
  /** Blocked prompt words, phrases (`word*` also matches longer words) and `/regex/`s: a JSON array, or one per line or comma. */
  REELAY_PROMPT_BLOCKLIST: parsedText(
    '',
    (value) => {
      const entries = parseBlocklist(value);
      compileBlocklist(entries);
      return entries;
    },
    [] as string[],
  ),
  /** `fal`: every prompt is also reviewed by an LLM through fal's openrouter/router before any spend. */
  REELAY_MODERATION: choice(['off', 'fal'], 'off'),
  REELAY_MODERATION_MODEL: text('google/gemini-2.5-flash', () => [z.minLength(1), z.maxLength(200)]),
  REELAY_MODERATION_TIMEOUT_SECONDS: number(10, () => [z.positive(), z.maximum(60)]),
  /** fal's synchronous host (moderation calls). */
  FAL_RUN_URL: url('https://fal.run'),
  /** More style presets (a JSON array of {id, title, template, description}); an id of a built-in one replaces it. */
  REELAY_STYLES: parsedText('[]', parseStyles, [] as StylePreset[]),
  /** The LLM that `enhance_prompt` and POST /v1/prompts/enhance use through fal's openrouter/router. */
  REELAY_ENHANCEMENT_MODEL: text('google/gemini-2.5-flash', () => [z.minLength(1), z.maxLength(200)]),
  REELAY_ENHANCEMENT_TIMEOUT_SECONDS: number(15, () => [z.positive(), z.maximum(60)]),
  /** Whether a create fails (503) rather than proceed with the original prompt when enhancement is down. */
  REELAY_DEFAULT_STRICT_PROMPT_ENHANCEMENT: flag,
  /** `fal`: ask fal what each video actually cost (billable units × unit price) when it is archived. */
  REELAY_ACTUAL_COST: choice(['off', 'fal'], 'fal'),
  /** fal's platform API (unit prices, `/v1/models/pricing`). */
  FAL_API_URL: url('https://api.fal.ai'),
  /** Client webhooks: endpoints, callback secrets and the delivery log (functions/core/store/dynamodb/webhooks-table.ts). */
  REELAY_WEBHOOKS_TABLE: text('reelay-webhooks', () => [z.minLength(3)]),
  /** The event delivery queue and its dead-letter queue. */
  REELAY_EVENT_QUEUE_URL: optionalUrl(),
  REELAY_EVENT_DLQ_URL: optionalUrl(),
  /** Key material (32+ characters) that encrypts webhook signing secrets at rest; or the secret holding it. */
  REELAY_WEBHOOK_SECRETS_KEY: optionalText(() => [z.minLength(32)]),
  REELAY_WEBHOOK_SECRETS_KEY_SECRET_ID: optionalText(() => [z.minLength(1)]),
  /** Seconds before each retry of a failed delivery (Standard Webhooks' schedule); jittered by ±20%. */
  REELAY_WEBHOOK_RETRY_SCHEDULE: parsedText('5,300,1800,7200,18000,36000,36000', parseRetrySchedule, []),
  REELAY_WEBHOOK_TIMEOUT_SECONDS: number(10, () => [z.positive(), z.maximum(30)]),
  REELAY_WEBHOOK_MAX_ENDPOINTS: number(10, () => [z.int(), z.minimum(1), z.maximum(100)]),
  /** Live event connections (GET /v1/events) and who they belong to (functions/core/store/dynamodb/connections-table.ts). */
  REELAY_CONNECTIONS_TABLE: text('reelay-connections', () => [z.minLength(3)]),
  /** The public wss:// URL of the event stream (the WebSocket API's stage); unset: the API's own host. */
  REELAY_EVENTS_URL: optionalUrl(),
  /** The WebSocket API's management endpoint (https://…/stage) the deliverer posts to; unset locally. */
  REELAY_EVENTS_MANAGEMENT_URL: optionalUrl(),
  /** Open event connections one API key may hold at once. */
  REELAY_EVENTS_MAX_CONNECTIONS_PER_KEY: number(5, () => [z.int(), z.minimum(1), z.maximum(100)]),
} satisfies Record<string, Setting<unknown>>;

function parseRetrySchedule(value: string): number[] {
  const delays = value.split(',').map((entry) => Number(entry.trim()));
  if (delays.length > 20 || delays.some((delay) => !Number.isFinite(delay) || delay < 0 || delay > 86_400))
    throw new ConfigError('up to 20 comma-separated seconds, each 0–86400');
  return delays;
}

const stylePresetSchema = () =>
  z.strictObject({
    id: z.string(),
    title: z.string().check(z.minLength(1), z.maxLength(80)),
    template: z.string().check(z.minLength(1), z.maxLength(1_000)),
    description: z._default(z.string().check(z.maxLength(300)), ''),
  });

/** REELAY_STYLES: a JSON array of presets, each checked (id pattern, `{prompt}` exactly once). */
export function parseStyles(value: string): StylePreset[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ConfigError('REELAY_STYLES must be a JSON array of {id, title, template, description}');
  }
  // no presets (the default) need no schema: building one is most of a cold start's config cost
  if (Array.isArray(parsed) && parsed.length === 0) return [];
  const presets = z.array(stylePresetSchema()).check(z.maxLength(100)).safeParse(parsed, { error: english });
  if (!presets.success)
    throw new ConfigError(`REELAY_STYLES: ${presets.error.issues[0]?.message ?? 'invalid'}`);
  return presets.data.map(checkStylePreset);
}

/** A JSON array of strings, or entries one per line or comma (a regex with a comma needs the JSON form). */
export function parseBlocklist(value: string): string[] {
  const text = value.trim();
  if (text.startsWith('[')) {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed) || !parsed.every((entry) => typeof entry === 'string'))
      throw new ConfigError('REELAY_PROMPT_BLOCKLIST as JSON must be an array of strings');
    return parsed.map((entry) => entry.trim()).filter(Boolean);
  }
  return text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter(Boolean);
}

export type SettingName = keyof typeof SETTINGS;
/** Every setting's value, parsed (or its default). */
type SettingValues = { [Name in SettingName]: ReturnType<(typeof SETTINGS)[Name]['unset']> };

/** zod/mini carries no messages of its own: English ones, for this parse only (no global setting). */
const english = en().localeError;

export interface Config {
  publicUrl?: string;
  fal: {
    key?: string;
    keySecretId?: string;
    queueUrl: string;
    restUrl: string;
    jwksUrl: string;
    jwksMaxAgeMs: number;
    requestTimeoutMs: number;
    webhookUserId?: string;
    /** Where fal's output may be downloaded from (see isAllowedMediaUrl). */
    mediaHosts: string[];
  };
  apiKeys: ApiKey[];
  apiKeysSecretId?: string;
  jobsTable: string;
  accountsTable: string;
  accountsCacheMs: number;
  /** Limits of a tenant without overrides. */
  tenantDefaults: TenantLimits;
  usageTable: string;
  /** Caps over all tenants together. */
  globalLimits: GlobalLimits;
  videoBucket: string;
  archiveQueueUrl?: string;
  followUpQueueUrl?: string;
  archiveMaxReceives: number;
  region: string;
  endpoints: { dynamodb?: string; s3?: string; sqs?: string };
  maxJobAgeSeconds: number;
  maxSubmitAttempts: number;
  maxGenerationAttempts: number;
  maxArchiveAttempts: number;
  webhookGraceSeconds: number;
  pollIntervalSeconds: number;
  submitLeaseSeconds: number;
  archivePickupSeconds: number;
  archiveLeaseSeconds: number;
  archiveLeaseRenewSeconds: number;
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  typicalGenerationSeconds?: number;
  downloadUrlTtlSeconds: number;
  videoRetentionDays: number | null;
  reconcileBatch: number;
  /** Milliseconds an API request may take, outbound calls included (a webhook capture makes none it bounds). */
  deadlines: { apiMs: number };
  allowLocalUrls: boolean;
  /** Thumbnails and spritesheets archived beside videos (`?variant=thumbnail|spritesheet`). */
  thumbnails: boolean;
  /** Sora videos kept at OpenAI (`delete_video: false`): remixable, at a privacy cost. */
  keepSoraVideos: boolean;
  promptBlocklist: string[];
  moderation: { enabled: boolean; model: string; timeoutMs: number; runUrl: string };
  /** The operator's style presets (added to the built-in ones). */
  styles: StylePreset[];
  /** Prompt enhancement through fal's openrouter/router (at `moderation.runUrl`). */
  enhancement: { model: string; timeoutMs: number };
  /** Whether archiving a video asks fal what it actually cost. */
  actualCost: boolean;
  /** fal's platform API, for unit prices. */
  falApiUrl: string;
  webhooks: {
    table: string;
    queueUrl?: string;
    deadLetterUrl?: string;
    secretsKey?: string;
    secretsKeySecretId?: string;
    retryDelaysMs: number[];
    timeoutMs: number;
    maxEndpoints: number;
  };
  /** The live event stream (GET /v1/events). */
  events: {
    connectionsTable: string;
    publicUrl?: string;
    managementUrl?: string;
    maxConnectionsPerKey: number;
  };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads the environment once; a bad value stops the process with every problem listed. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const names = Object.keys(SETTINGS) as SettingName[];
  const set = names.filter((name) => env[name] !== undefined && env[name] !== '');
  const schema = z.object(Object.fromEntries(set.map((name) => [name, SETTINGS[name].schema()])));
  // jitless: zod would compile a fast path for an object it parses once
  const parsed = schema.safeParse(Object.fromEntries(set.map((name) => [name, env[name]])), {
    error: english,
    jitless: true,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const given = parsed.data as Partial<SettingValues>;
  const e = Object.fromEntries(
    names.map((name) => [name, name in given ? given[name] : SETTINGS[name].unset()]),
  ) as SettingValues;
  const archiveLeaseRenewSeconds = e.REELAY_ARCHIVE_LEASE_RENEW_SECONDS ?? e.REELAY_ARCHIVE_LEASE_SECONDS / 3;
  if (archiveLeaseRenewSeconds >= e.REELAY_ARCHIVE_LEASE_SECONDS)
    throw new ConfigError(
      'invalid configuration:\n  REELAY_ARCHIVE_LEASE_RENEW_SECONDS: must be below REELAY_ARCHIVE_LEASE_SECONDS',
    );
  return {
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    fal: {
      key: e.FAL_KEY,
      keySecretId: e.FAL_KEY_SECRET_ID,
      queueUrl: e.FAL_QUEUE_URL,
      restUrl: e.FAL_REST_URL,
      jwksUrl: e.FAL_JWKS_URL,
      jwksMaxAgeMs: e.FAL_JWKS_MAX_AGE_SECONDS * 1000,
      requestTimeoutMs: e.FAL_REQUEST_TIMEOUT_SECONDS * 1000,
      webhookUserId: e.FAL_WEBHOOK_USER_ID,
      mediaHosts: e.REELAY_FAL_MEDIA_HOSTS,
    },
    apiKeys: e.REELAY_API_KEYS,
    apiKeysSecretId: e.REELAY_API_KEYS_SECRET_ID,
    jobsTable: e.REELAY_JOBS_TABLE,
    accountsTable: e.REELAY_ACCOUNTS_TABLE,
    accountsCacheMs: e.REELAY_ACCOUNTS_CACHE_SECONDS * 1000,
    tenantDefaults: {
      requestsPerMinute: e.REELAY_DEFAULT_REQUESTS_PER_MINUTE,
      createsPerMinute: e.REELAY_DEFAULT_CREATES_PER_MINUTE,
      maxActiveJobs: e.REELAY_DEFAULT_MAX_ACTIVE_JOBS,
      maxQueuedJobs: e.REELAY_DEFAULT_MAX_QUEUED_JOBS,
      dailyBudgetUsd: e.REELAY_DEFAULT_DAILY_BUDGET_USD,
      mayDisableSafetyChecker: e.REELAY_DEFAULT_MAY_DISABLE_SAFETY_CHECKER,
      strictPromptEnhancement: e.REELAY_DEFAULT_STRICT_PROMPT_ENHANCEMENT,
      keepSoraVideos: e.REELAY_KEEP_SORA_VIDEOS,
    },
    usageTable: e.REELAY_USAGE_TABLE,
    globalLimits: {
      maxActiveJobs: e.REELAY_MAX_ACTIVE_JOBS,
      dailyBudgetUsd: e.REELAY_DAILY_BUDGET_USD ?? null,
      poolShards: e.REELAY_POOL_SHARDS ?? poolShardCount(e.REELAY_MAX_ACTIVE_JOBS),
    },
    videoBucket: e.REELAY_VIDEO_BUCKET,
    archiveQueueUrl: e.REELAY_ARCHIVE_QUEUE_URL,
    followUpQueueUrl: e.REELAY_FOLLOW_UP_QUEUE_URL,
    archiveMaxReceives: e.REELAY_ARCHIVE_MAX_RECEIVES,
    region: e.AWS_REGION,
    endpoints: { dynamodb: e.REELAY_DYNAMODB_ENDPOINT, s3: e.REELAY_S3_ENDPOINT, sqs: e.REELAY_SQS_ENDPOINT },
    maxJobAgeSeconds: e.REELAY_MAX_JOB_AGE_SECONDS,
    maxSubmitAttempts: e.REELAY_MAX_SUBMIT_ATTEMPTS,
    maxGenerationAttempts: e.REELAY_MAX_GENERATION_ATTEMPTS,
    maxArchiveAttempts: e.REELAY_MAX_ARCHIVE_ATTEMPTS,
    webhookGraceSeconds: e.REELAY_WEBHOOK_GRACE_SECONDS,
    pollIntervalSeconds: e.REELAY_POLL_INTERVAL_SECONDS,
    submitLeaseSeconds: e.REELAY_SUBMIT_LEASE_SECONDS,
    archivePickupSeconds: e.REELAY_ARCHIVE_PICKUP_SECONDS,
    archiveLeaseSeconds: e.REELAY_ARCHIVE_LEASE_SECONDS,
    archiveLeaseRenewSeconds,
    retryBaseSeconds: e.REELAY_RETRY_BASE_SECONDS,
    retryMaxSeconds: e.REELAY_RETRY_MAX_SECONDS,
    typicalGenerationSeconds: e.REELAY_TYPICAL_GENERATION_SECONDS,
    downloadUrlTtlSeconds: e.REELAY_DOWNLOAD_URL_TTL_SECONDS,
    videoRetentionDays: e.REELAY_VIDEO_RETENTION_DAYS ?? null,
    reconcileBatch: e.REELAY_RECONCILE_BATCH,
    deadlines: {
      apiMs: e.REELAY_API_DEADLINE_SECONDS * 1000,
    },
    allowLocalUrls: e.REELAY_ALLOW_LOCAL_URLS,
    keepSoraVideos: e.REELAY_KEEP_SORA_VIDEOS,
    thumbnails: e.REELAY_THUMBNAILS,
    promptBlocklist: e.REELAY_PROMPT_BLOCKLIST,
    moderation: {
      enabled: e.REELAY_MODERATION === 'fal',
      model: e.REELAY_MODERATION_MODEL,
      timeoutMs: e.REELAY_MODERATION_TIMEOUT_SECONDS * 1000,
      runUrl: e.FAL_RUN_URL,
    },
    styles: e.REELAY_STYLES,
    enhancement: {
      model: e.REELAY_ENHANCEMENT_MODEL,
      timeoutMs: e.REELAY_ENHANCEMENT_TIMEOUT_SECONDS * 1000,
    },
    actualCost: e.REELAY_ACTUAL_COST === 'fal',
    falApiUrl: e.FAL_API_URL,
    webhooks: {
      table: e.REELAY_WEBHOOKS_TABLE,
      queueUrl: e.REELAY_EVENT_QUEUE_URL,
      deadLetterUrl: e.REELAY_EVENT_DLQ_URL,
      secretsKey: e.REELAY_WEBHOOK_SECRETS_KEY,
      secretsKeySecretId: e.REELAY_WEBHOOK_SECRETS_KEY_SECRET_ID,
      retryDelaysMs: e.REELAY_WEBHOOK_RETRY_SCHEDULE.map((delay) => Math.round(delay * 1000)),
      timeoutMs: e.REELAY_WEBHOOK_TIMEOUT_SECONDS * 1000,
      maxEndpoints: e.REELAY_WEBHOOK_MAX_ENDPOINTS,
    },
    events: {
      connectionsTable: e.REELAY_CONNECTIONS_TABLE,
      publicUrl: e.REELAY_EVENTS_URL,
      managementUrl: e.REELAY_EVENTS_MANAGEMENT_URL,
      maxConnectionsPerKey: e.REELAY_EVENTS_MAX_CONNECTIONS_PER_KEY,
    },
  };
}
