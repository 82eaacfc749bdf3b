import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import { type ServiceSetting, serviceSettings } from './service-settings.ts';

/** Context values arrive typed from cdk.json and as strings from `-c key=value`: blanks mean "not set". */
const blank = (value: unknown) => (value === '' || value === null ? undefined : value);
const count = (min: number, max: number) => z.preprocess(blank, z.coerce.number().int().min(min).max(max));
const flag = z.preprocess(
  blank,
  z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
);

const RETENTION_DAYS = new Set<number>(
  Object.values(RetentionDays).filter((value): value is number => typeof value === 'number'),
);

const origin = z
  .string()
  .refine(
    (value) => value === '*' || URL.canParse(value),
    'must be * or an origin like https://app.example.com',
  )
  .refine((value) => value === '*' || new URL(value).origin === value, 'must be an origin: no path or slash');

// `-c allowedOrigins=https://a.example,https://b.example` or a JSON array in cdk.json
const origins = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
      : value,
  z.array(origin),
);

/** Every context option the stack reads; cdk.json holds the defaults, `-c name=value` overrides. */
export const contextSchema = z
  .object({
    stage: z.string().regex(/^[a-z][a-z0-9-]{1,20}$/, 'lower-case letters, digits and dashes'),
    alarmEmail: z.preprocess(blank, z.email().optional()),
    /** Opt-in: the AWS Budgets budget in its own stack (infra/budget-stack.ts). */
    monthlyBudgetUsd: z.preprocess(blank, z.coerce.number().int().min(1).max(1_000_000).optional()),
    allowedOrigins: origins.default([]),
    logRetentionDays: z.preprocess(
      blank,
      z.coerce
        .number()
        .refine(
          (days) => RETENTION_DAYS.has(days),
          'a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, …)',
        ),
    ),
    videoRetentionDays: z.preprocess(blank, z.coerce.number().int().min(1).max(36_500).optional()),
    apiRateLimit: count(1, 10_000),
    apiBurstLimit: count(1, 5_000),
    /** fal's deliveries have their own route throttle: clients polling /v1 cannot use it up. */
    webhookRateLimit: count(1, 10_000),
    webhookBurstLimit: count(1, 5_000),
    archiverConcurrency: count(2, 1_000),
    reserveConcurrency: flag.default(false),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
    domainName: z.preprocess(blank, z.string().min(3).optional()),
    certificateArn: z.preprocess(blank, z.string().startsWith('arn:').optional()),
  })
  .refine((c) => (c.domainName === undefined) === (c.certificateArn === undefined), {
    message: 'domainName and certificateArn go together',
    path: ['domainName'],
  });

export type ReelayContext = z.output<typeof contextSchema>;

/** What the stack is built from: the context, checked, plus what follows from it. */
export interface ReelayConfig
  extends Omit<ReelayContext, 'domainName' | 'certificateArn' | 'logRetentionDays'> {
  /** A `prod` stage keeps its data when the stack is deleted and turns deletion protection on. */
  production: boolean;
  logRetention: RetentionDays;
  customDomain?: { domainName: string; certificateArn: string };
  /** Service limits from context (infra/service-settings.ts), as the functions' environment variables. */
  serviceSettings: Partial<Record<ServiceSetting, string>>;
}

export const CONTEXT_KEYS = Object.keys(contextSchema.shape) as (keyof ReelayContext)[];

/** Reads and checks the context; a bad value stops synthesis with every problem listed. */
export function readConfig(get: (key: string) => unknown): ReelayConfig {
  const raw = Object.fromEntries(CONTEXT_KEYS.map((key) => [key, get(key)]));
  const parsed = contextSchema.safeParse(raw);
  const settings = serviceSettings(get);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)),
    ...settings.problems,
  ];
  if (!parsed.success || problems.length > 0) {
    throw new Error(`invalid Reelay context (cdk.json or -c):\n  ${problems.join('\n  ')}`);
  }
  const { domainName, certificateArn, logRetentionDays, ...rest } = parsed.data;
  return {
    ...rest,
    production: rest.stage === 'prod',
    logRetention: logRetentionDays as RetentionDays,
    serviceSettings: settings.env,
    ...(domainName && certificateArn && { customDomain: { domainName, certificateArn } }),
  };
}
