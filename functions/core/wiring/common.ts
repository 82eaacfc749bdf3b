import type { Config } from '../config.ts';
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
