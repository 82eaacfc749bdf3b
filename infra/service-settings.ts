import { SETTINGS } from '../functions/core/config.ts';
import type { FunctionName } from './bundling.ts';

/**
 * Service limits an operator sets from CDK context (cdk.json or `-c`), so that a deploy sets them
 * and never undoes them: each becomes the environment variable the functions' config reads
 * (functions/core/config.ts), checked by that same schema at synth. Blank: the code's default.
 */
export const SERVICE_SETTINGS = {
  /** Estimated spend per UTC day, all tenants together. */
  dailyBudgetUsd: { env: 'REELAY_DAILY_BUDGET_USD', functions: ['api'] },
  /** Jobs at fal at once, all tenants together: whoever frees a slot admits by it too. */
  maxActiveJobs: {
    env: 'REELAY_MAX_ACTIVE_JOBS',
    functions: ['api', 'fal-webhook', 'follow-up', 'reconciler'],
  },
  /** Items the deployment's pool is split over: every function that takes, frees or counts its slots. */
  poolShards: {
    env: 'REELAY_POOL_SHARDS',
    functions: ['api', 'fal-webhook', 'follow-up', 'reconciler'],
  },
  tenantRequestsPerMinute: { env: 'REELAY_DEFAULT_REQUESTS_PER_MINUTE', functions: ['api'] },
  tenantCreatesPerMinute: { env: 'REELAY_DEFAULT_CREATES_PER_MINUTE', functions: ['api'] },
  // the follow-up worker and the reconciler pump a pool without a recorded cap by the default (jobs/pump-queue.ts)
  tenantMaxActiveJobs: {
    env: 'REELAY_DEFAULT_MAX_ACTIVE_JOBS',
    functions: ['api', 'fal-webhook', 'follow-up', 'reconciler'],
  },
  tenantMaxQueuedJobs: { env: 'REELAY_DEFAULT_MAX_QUEUED_JOBS', functions: ['api'] },
  tenantDailyBudgetUsd: { env: 'REELAY_DEFAULT_DAILY_BUDGET_USD', functions: ['api'] },
  tenantMayDisableSafetyChecker: { env: 'REELAY_DEFAULT_MAY_DISABLE_SAFETY_CHECKER', functions: ['api'] },
  /** `off` or `fal`. */
  moderation: { env: 'REELAY_MODERATION', functions: ['api'] },
  moderationModel: { env: 'REELAY_MODERATION_MODEL', functions: ['api'] },
  promptBlocklist: { env: 'REELAY_PROMPT_BLOCKLIST', functions: ['api'] },
} as const satisfies Record<string, { env: keyof typeof SETTINGS; functions: FunctionName[] }>;

export type ServiceSetting = keyof typeof SERVICE_SETTINGS;
export const SERVICE_SETTING_KEYS = Object.keys(SERVICE_SETTINGS) as ServiceSetting[];

/** Lambda refuses a function whose environment passes 4 KB in all; this leaves room for the rest. */
const MAX_SETTING_CHARS = 2_000;

/** Context value → the string an environment variable carries; undefined when blank. */
function asEnv(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) return JSON.stringify(value);
  return String(value);
}

/**
 * The settings that are set, as environment variables, after the functions' own schema accepted
 * them; the problems, named by context key, otherwise.
 */
export function serviceSettings(get: (key: string) => unknown): {
  env: Partial<Record<ServiceSetting, string>>;
  problems: string[];
} {
  const env: Partial<Record<ServiceSetting, string>> = {};
  const problems: string[] = [];
  for (const key of SERVICE_SETTING_KEYS) {
    const value = asEnv(get(key));
    if (value === undefined) continue;
    const { env: name } = SERVICE_SETTINGS[key];
    if (value.length > MAX_SETTING_CHARS) {
      problems.push(`${key}: longer than ${MAX_SETTING_CHARS} characters (Lambda's environment holds 4 KB)`);
      continue;
    }
    const parsed = SETTINGS[name].schema().safeParse(value);
    if (parsed.success) env[key] = value;
    else problems.push(`${key}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  return { env, problems };
}
