import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);
const positive = (fallback: number) => z.coerce.number().positive().default(fallback);

/** Settings of the local stand-ins only (the service's own settings are functions/core/config.ts). */
export const localSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().default('127.0.0.1'),
  REELAY_DATA_DIR: z.string().default('.data'),
  /** Ports of the stand-ins; 0 picks a free one. Defaults: PORT+1, +2, +3. */
  REELAY_LOCAL_FAL_PORT: port.optional(),
  REELAY_LOCAL_S3_PORT: port.optional(),
  REELAY_LOCAL_DYNAMODB_PORT: port.optional(),
  REELAY_LOCAL_FAL_GENERATION_SECONDS: z.coerce.number().min(0).default(3),
  REELAY_LOCAL_FAL_MEDIA_TTL_SECONDS: positive(3_600),
  REELAY_LOCAL_RECONCILE_SECONDS: positive(5),
  /** How often the local event stream pings each connection; one that missed the last ping is ended. */
  REELAY_LOCAL_EVENTS_PING_SECONDS: positive(30),
  REELAY_LOCAL_QUEUE_VISIBILITY_SECONDS: positive(10),
});

/**
 * Rate limits of the dev tenant `local`: exploring by hand (typos, the studio polling several videos)
 * must not meet a 429. Only rate limits: concurrency and budget still guard spend, since the local
 * stack can run against the real fal (FAL_KEY). Applied where the tenant has no override of its own.
 */
export const LOCAL_TENANT_LIMITS = { requestsPerMinute: 1_000, createsPerMinute: 100 } as const;

export type LocalSettings = z.output<typeof localSchema>;

export function loadLocalSettings(env: Record<string, string | undefined>): LocalSettings {
  const parsed = localSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    throw new Error(
      `invalid local settings:\n  ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ')}`,
    );
  }
  return parsed.data;
}
