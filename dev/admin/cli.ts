import { parseArgs } from 'node:util';
import { issueApiKey } from '../../functions/core/accounts/issue-key.ts';
import { type ApiKeyRecord, TENANT_ID_PATTERN } from '../../functions/core/domain/api-key.ts';
import { resendEvent } from '../../functions/core/domain/outbox.ts';
import { GROUP_BY, type GroupBy } from '../../functions/core/domain/stats-summary.ts';
import { effectiveLimits, type TenantLimits } from '../../functions/core/domain/tenant.ts';
import { toEndpointObject } from '../../functions/core/domain/webhook-endpoint.ts';
import { InvalidRequest } from '../../functions/core/errors.ts';
import type { SecretBox } from '../../functions/core/events/secret-box.ts';
import { callbackSecret, rotateCallbackSecret } from '../../functions/core/events/secrets.ts';
import { readStats } from '../../functions/core/insights/read-stats.ts';
import { updateJob } from '../../functions/core/jobs/update-job.ts';
import { createPrometheusMetrics } from '../../functions/core/metrics/prometheus/prometheus-metrics.ts';
import type { ApiKeyStore } from '../../functions/core/store/api-key-store.ts';
import type { JobStore } from '../../functions/core/store/job-store.ts';
import { ALL_TENANTS, type StatsStore } from '../../functions/core/store/stats-store.ts';
import type { TenantStore } from '../../functions/core/store/tenant-store.ts';
import type { WebhookStore } from '../../functions/core/store/webhook-store.ts';

/** What the webhook commands need besides the accounts table. */
export interface WebhookAdmin {
  webhooks: WebhookStore;
  jobs: JobStore;
  secretBox: SecretBox;
}

export interface AdminContext {
  keys: ApiKeyStore;
  tenants: TenantStore;
  /** The statistics counters (the jobs table); only the stats command needs them. */
  stats?: StatsStore;
  /** Absent when the webhook tables are not configured: the webhook commands then say so. */
  webhook?: WebhookAdmin;
  defaults: TenantLimits;
  now: () => number;
  print: (line: string) => void;
}

export const USAGE = `usage: npm run admin -- <command> [options]

  keys create --tenant <id> [--name <text>]   issue a key; it is shown once, only its hash is stored
  keys list [--tenant <id>]                     keys with their id, name, hint, created, last used, status
  keys revoke <key id>                          revoke a key (effective within the API's key cache, 30 s by default)
  tenants list                                  every tenant with its limit overrides
  tenants get <id>                              a tenant's overrides and effective limits
  tenants set-limits <id> [--requests-per-minute N] [--creates-per-minute N] [--max-active-jobs N]
                          [--max-queued-jobs N] [--daily-budget-usd X] [--may-disable-safety-checker true|false]
                          [--strict-prompt-enhancement true|false] [--keep-sora-videos true|false]
  stats [--tenant <id>] [--since D] [--until D] [--model M] [--group-by model|style|day]
                                                statistics of one tenant, or of all tenants together (JSON)

  webhooks list --tenant <id>                   a tenant's webhook endpoints (never their secrets)
  webhooks resend <video id>                    deliver the video's event again (same event id) at the next reconcile
  callback-secret get --tenant <id>             the secret that signs the tenant's callback_url events
  callback-secret rotate --tenant <id> [--keep-old]  a new one; --keep-old keeps the old one signing for 24 h

  connection: --local (the DynamoDB of a running \`npm start\`), --endpoint <url>, --table <name>,
  --jobs-table <name> (stats), --region <region>; otherwise REELAY_ACCOUNTS_TABLE, REELAY_JOBS_TABLE,
  REELAY_DYNAMODB_ENDPOINT, AWS_REGION and the
  AWS credentials of the environment (a deployed stack's table is its AccountsTableName output).
  Webhook commands also read REELAY_WEBHOOKS_TABLE, REELAY_JOBS_TABLE and the sealing key
  (REELAY_WEBHOOK_SECRETS_KEY[_SECRET_ID]; with --local, the data dir's webhook-secrets-key).`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The options every command accepts; connection options are read by the entry point. */
export const ADMIN_OPTIONS = {
  tenant: { type: 'string' },
  name: { type: 'string' },
  local: { type: 'boolean' },
  endpoint: { type: 'string' },
  table: { type: 'string' },
  region: { type: 'string' },
  'requests-per-minute': { type: 'string' },
  'creates-per-minute': { type: 'string' },
  'max-active-jobs': { type: 'string' },
  'max-queued-jobs': { type: 'string' },
  'daily-budget-usd': { type: 'string' },
  'may-disable-safety-checker': { type: 'string' },
  'keep-sora-videos': { type: 'string' },
  'strict-prompt-enhancement': { type: 'string' },
  'jobs-table': { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  model: { type: 'string' },
  'group-by': { type: 'string' },
  'keep-old': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseAdminArgs(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: ADMIN_OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

const iso = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString());

function tenantArg(value: string | undefined): string {
  if (!value) throw new UsageError('give a tenant id');
  if (!TENANT_ID_PATTERN.test(value))
    throw new UsageError(`tenant ids are 1–63 of a-z, 0-9, - and _: ${value}`);
  return value;
}

function integer(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}`);
  return n;
}

function limitsFrom(values: ReturnType<typeof parseAdminArgs>['values']): Partial<TenantLimits> {
  const limits: Partial<TenantLimits> = {};
  const rpm = values['requests-per-minute'];
  if (rpm !== undefined) limits.requestsPerMinute = integer('requests-per-minute', rpm, 1);
  const cpm = values['creates-per-minute'];
  if (cpm !== undefined) limits.createsPerMinute = integer('creates-per-minute', cpm, 1);
  const active = values['max-active-jobs'];
  if (active !== undefined) limits.maxActiveJobs = integer('max-active-jobs', active, 1);
  const queued = values['max-queued-jobs'];
  if (queued !== undefined) limits.maxQueuedJobs = integer('max-queued-jobs', queued, 0);
  const budget = values['daily-budget-usd'];
  if (budget !== undefined) {
    const usd = Number(budget);
    if (!Number.isFinite(usd) || usd < 0) throw new UsageError('--daily-budget-usd must be a number ≥ 0');
    limits.dailyBudgetUsd = usd;
  }
  const safety = values['may-disable-safety-checker'];
  if (safety !== undefined) {
    if (safety !== 'true' && safety !== 'false')
      throw new UsageError('--may-disable-safety-checker is true or false');
    limits.mayDisableSafetyChecker = safety === 'true';
  }
  const strict = values['strict-prompt-enhancement'];
  if (strict !== undefined) {
    if (strict !== 'true' && strict !== 'false')
      throw new UsageError('--strict-prompt-enhancement is true or false');
    limits.strictPromptEnhancement = strict === 'true';
  }
  const keep = values['keep-sora-videos'];
  if (keep !== undefined) {
    if (keep !== 'true' && keep !== 'false') throw new UsageError('--keep-sora-videos is true or false');
    limits.keepSoraVideos = keep === 'true';
  }
  return limits;
}

function keyLine(record: ApiKeyRecord): string {
  const status = record.revokedAt === undefined ? 'active' : `revoked ${iso(record.revokedAt)}`;
  return [
    record.keyId,
    record.tenant,
    JSON.stringify(record.name),
    record.hint,
    `created ${iso(record.createdAt)}`,
    `last used ${iso(record.lastUsedAt)}`,
    status,
  ].join('  ');
}

function webhookAdmin(context: AdminContext): WebhookAdmin {
  if (!context.webhook)
    throw new UsageError('webhook commands need the webhooks and jobs tables and the sealing key');
  return context.webhook;
}

/** Runs one admin command against the given stores; the entry point (dev/admin.ts) builds them. */
export async function runAdmin(argv: string[], context: AdminContext): Promise<void> {
  const { values, positionals } = parseAdminArgs(argv);
  const [area, command, ...rest] = positionals;
  const { print } = context;
  if (values.help || !area) {
    print(USAGE);
    return;
  }
  const at = `${area} ${command ?? ''}`.trim();
  switch (at) {
    case 'keys create': {
      const tenant = tenantArg(values.tenant ?? rest[0]);
      // a key's tenant always has a tenant item, so `keys list` and limits find it
      await context.tenants.setLimits(tenant, {});
      const { key, record } = await issueApiKey(context.keys, {
        tenant,
        name: values.name,
        now: context.now(),
      });
      print(`created ${record.keyId} for tenant ${tenant}${record.name ? ` (${record.name})` : ''}`);
      print('');
      print(`  ${key}`);
      print('');
      print('This is the only time the key is shown: only its hash is stored.');
      return;
    }
    case 'keys list': {
      const tenant = values.tenant === undefined ? undefined : tenantArg(values.tenant);
      const records = await context.keys.list(tenant);
      if (records.length === 0) print('no keys');
      for (const record of records) print(keyLine(record));
      return;
    }
    case 'keys revoke': {
      const keyId = rest[0];
      if (!keyId || !/^key_[0-9a-f]{16}$/.test(keyId))
        throw new UsageError('give a key id (key_…) to revoke');
      const record = await context.keys.revoke(keyId, context.now());
      if (!record) throw new UsageError(`no key ${keyId}`);
      print(
        `revoked ${record.keyId} of tenant ${record.tenant}; the API stops accepting it within its key cache time`,
      );
      return;
    }
    case 'tenants list': {
      const tenants = await context.tenants.list();
      if (tenants.length === 0) print('no tenants');
      for (const tenant of tenants)
        print(`${tenant.id}  ${JSON.stringify(tenant.limits)}  created ${iso(tenant.createdAt)}`);
      return;
    }
    case 'tenants get': {
      const tenant = tenantArg(rest[0] ?? values.tenant);
      const found = await context.tenants.get(tenant);
      print(
        JSON.stringify(
          {
            tenant,
            exists: found !== undefined,
            overrides: found?.limits ?? {},
            effective: effectiveLimits(context.defaults, found),
          },
          null,
          2,
        ),
      );
      return;
    }
    case 'tenants set-limits': {
      const tenant = tenantArg(rest[0] ?? values.tenant);
      const limits = limitsFrom(values);
      if (Object.keys(limits).length === 0) throw new UsageError('give at least one limit to set');
      const updated = await context.tenants.setLimits(tenant, limits);
      print(
        JSON.stringify(
          { tenant, overrides: updated.limits, effective: effectiveLimits(context.defaults, updated) },
          null,
          2,
        ),
      );
      return;
    }
    case 'stats': {
      const tenant = values.tenant === undefined ? ALL_TENANTS : tenantArg(values.tenant);
      const groupBy = values['group-by'];
      if (groupBy !== undefined && !GROUP_BY.includes(groupBy as GroupBy))
        throw new UsageError(`--group-by is one of ${GROUP_BY.join(', ')}`);
      if (!context.stats)
        throw new UsageError('stats needs the jobs table (--jobs-table or REELAY_JOBS_TABLE)');
      const stats = await readStats({ stats: context.stats, now: context.now }, tenant, {
        since: values.since,
        until: values.until,
        model: values.model,
        groupBy: groupBy as GroupBy | undefined,
      }).catch((error: unknown) => {
        // a bad --since or --until is the same 400 the API gives: a usage error here
        throw error instanceof InvalidRequest ? new UsageError(error.message) : error;
      });
      print(JSON.stringify({ tenant: tenant === ALL_TENANTS ? 'all' : tenant, ...stats }, null, 2));
      return;
    }
    case 'webhooks list': {
      const { webhooks } = webhookAdmin(context);
      const tenant = tenantArg(values.tenant ?? rest[0]);
      const page = await webhooks.listEndpoints(tenant, { limit: 100, order: 'asc' });
      if (page.endpoints.length === 0) print('no endpoints');
      for (const endpoint of page.endpoints) print(JSON.stringify(toEndpointObject(endpoint)));
      return;
    }
    case 'webhooks resend': {
      const { jobs } = webhookAdmin(context);
      const videoId = rest[0];
      if (!videoId || !/^video_[0-9a-f]{32}$/.test(videoId))
        throw new UsageError('give a video id (video_…)');
      // an event re-sent ends no job; the CLI keeps its counts in memory, unpublished
      const updated = await updateJob({ jobs, metrics: createPrometheusMetrics() }, videoId, (job) =>
        resendEvent(job, context.now()),
      );
      if (!updated?.changed)
        throw new UsageError(`${videoId} has no event yet (it has not ended, or does not exist)`);
      print(
        `${updated.job.outbox?.event.type} ${updated.job.outbox?.event.id} of ${videoId} is due again; the reconciler sends it within a minute`,
      );
      return;
    }
    case 'callback-secret get':
    case 'callback-secret rotate': {
      const { webhooks, secretBox } = webhookAdmin(context);
      const tenant = tenantArg(values.tenant ?? rest[0]);
      const deps = { webhooks, secretBox, now: context.now };
      const record =
        command === 'rotate'
          ? (await rotateCallbackSecret(deps, tenant, values['keep-old'] ?? false)).record
          : await callbackSecret(deps, tenant);
      const [current] = record.secrets;
      if (!current) throw new Error(`the callback secret of ${tenant} holds no secret`);
      print(await secretBox.open(current.sealed));
      return;
    }
    default:
      throw new UsageError(`unknown command: ${at}\n\n${USAGE}`);
  }
}
