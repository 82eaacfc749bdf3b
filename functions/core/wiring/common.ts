import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { type ApiKey, type Config, ConfigError, parseApiKeys } from '../config.ts';
import type { Deps } from '../deps.ts';
import { DEFAULT_POLICY, type JobPolicy } from '../domain/policy.ts';
import { logger } from '../logger.ts';
import { createEmfMetrics } from '../metrics/cloudwatch/emf-metrics.ts';

export function policyFromConfig(config: Config): JobPolicy {
  return {
    ...DEFAULT_POLICY,
    webhookGraceMs: config.webhookGraceSeconds * 1000,
    pollIntervalMs: config.pollIntervalSeconds * 1000,
    maxJobAgeMs: config.maxJobAgeSeconds * 1000,
    maxSubmitAttempts: config.maxSubmitAttempts,
    maxGenerationAttempts: config.maxGenerationAttempts,
    maxArchiveAttempts: config.maxArchiveAttempts,
    submitLeaseMs: config.submitLeaseSeconds * 1000,
    archivePickupMs: config.archivePickupSeconds * 1000,
    archiveLeaseMs: config.archiveLeaseSeconds * 1000,
    archiveLeaseRenewMs: config.archiveLeaseRenewSeconds * 1000,
    retryBaseMs: config.retryBaseSeconds * 1000,
    retryMaxMs: config.retryMaxSeconds * 1000,
    ...(config.typicalGenerationSeconds && { typicalGenerationMs: config.typicalGenerationSeconds * 1000 }),
  };
}

/** What the stack puts in a secret before the operator sets it. */
const UNSET_SECRET = /^\s*(unset)?\s*$/;

export async function readSecret(id: string, maxAge: number): Promise<string | undefined> {
  const value = await getSecret(id, { maxAge });
  return typeof value === 'string' && !UNSET_SECRET.test(value) ? value.trim() : undefined;
}

/** Keys from config plus those in the keys secret (re-read every 5 minutes, so a new key works without a deploy). */
export function apiKeys(config: Config): () => Promise<ApiKey[]> {
  return async () => {
    if (!config.apiKeysSecretId) return config.apiKeys;
    const secret = await readSecret(config.apiKeysSecretId, 300);
    return [...config.apiKeys, ...(secret ? parseApiKeys(secret) : [])];
  };
}

/** The fal key from the environment, or from Secrets Manager (cached 5 minutes: setting or rotating it needs no deploy). */
export function falCredentials(config: Config): () => Promise<string> {
  return async () => {
    if (config.fal.key) return config.fal.key;
    if (!config.fal.keySecretId) throw new ConfigError('set FAL_KEY or FAL_KEY_SECRET_ID');
    const secret = await readSecret(config.fal.keySecretId, 300);
    if (!secret) throw new ConfigError(`secret ${config.fal.keySecretId} holds no fal key yet`);
    return secret;
  };
}

export type CommonDeps = Pick<Deps, 'config' | 'policy' | 'logger' | 'metrics' | 'now' | 'random'>;

/** What every function has: its config, the job policy, the logger, metrics and the clock. */
export function commonDeps(config: Config): CommonDeps {
  return {
    config,
    policy: policyFromConfig(config),
    logger,
    metrics: createEmfMetrics(),
    now: Date.now,
    random: Math.random,
  };
}
