import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createKeyResolver } from './accounts/key-resolver.ts';
import { createS3VideoArchive } from './archive/s3/video-archive.ts';
import { type ApiKey, type Config, ConfigError, loadConfig, parseApiKeys } from './config.ts';
import type { Deps } from './deps.ts';
import { DEFAULT_POLICY, type JobPolicy } from './domain/policy.ts';
import { compileBlocklist } from './domain/prompt-safety.ts';
import { createHttpWebhookSender } from './events/http/webhook-sender.ts';
import { createAesSecretBox } from './events/secret-box.ts';
import { createFalGateway } from './fal/client/fal-gateway.ts';
import { createWebhookVerifier } from './fal/webhook-signature.ts';
import { logger } from './logger.ts';
import { createPowertoolsMetrics } from './metrics.ts';
import { createUrlGuard } from './net/url-guard.ts';
import type { ArchiveQueue } from './queue/archive-queue.ts';
import type { EventQueue } from './queue/event-queue.ts';
import { createSqsArchiveQueue } from './queue/sqs/archive-queue.ts';
import { createSqsEventQueue } from './queue/sqs/event-queue.ts';
import { createFalModerator } from './safety/fal/fal-moderator.ts';
import { createDynamoApiKeyStore } from './store/dynamodb/api-key-store.ts';
import { createDynamoJobStore } from './store/dynamodb/job-store.ts';
import { createDynamoRateLimitStore } from './store/dynamodb/rate-limit-store.ts';
import { cachedTenantStore, createDynamoTenantStore } from './store/dynamodb/tenant-store.ts';
import { createDynamoUsageStore } from './store/dynamodb/usage-store.ts';
import { createDynamoWebhookStore } from './store/dynamodb/webhook-store.ts';

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
    retryBaseMs: config.retryBaseSeconds * 1000,
    retryMaxMs: config.retryMaxSeconds * 1000,
    ...(config.typicalGenerationSeconds && { typicalGenerationMs: config.typicalGenerationSeconds * 1000 }),
  };
}

/** What the stack puts in a secret before the operator sets it. */
const UNSET_SECRET = /^\s*(unset)?\s*$/;

async function readSecret(id: string, maxAge: number): Promise<string | undefined> {
  const value = await getSecret(id, { maxAge });
  return typeof value === 'string' && !UNSET_SECRET.test(value) ? value.trim() : undefined;
}

/** The fal key from the environment, or from Secrets Manager (cached 5 minutes: setting or rotating it needs no deploy). */
function falCredentials(config: Config): () => Promise<string> {
  return async () => {
    if (config.fal.key) return config.fal.key;
    if (!config.fal.keySecretId) throw new ConfigError('set FAL_KEY or FAL_KEY_SECRET_ID');
    const secret = await readSecret(config.fal.keySecretId, 300);
    if (!secret) throw new ConfigError(`secret ${config.fal.keySecretId} holds no fal key yet`);
    return secret;
  };
}

/** Keys from config plus those in the keys secret (re-read every 5 minutes, so a new key works without a deploy). */
function apiKeys(config: Config): () => Promise<ApiKey[]> {
  return async () => {
    if (!config.apiKeysSecretId) return config.apiKeys;
    const secret = await readSecret(config.apiKeysSecretId, 300);
    return [...config.apiKeys, ...(secret ? parseApiKeys(secret) : [])];
  };
}

function sqsQueue(config: Config): ArchiveQueue {
  const { archiveQueueUrl } = config;
  if (!archiveQueueUrl) {
    return {
      enqueue: () => Promise.reject(new ConfigError('REELAY_ARCHIVE_QUEUE_URL is not set')),
    };
  }
  return createSqsArchiveQueue(
    new SQSClient({ region: config.region, endpoint: config.endpoints.sqs }),
    archiveQueueUrl,
  );
}

function sqsEventQueue(config: Config): EventQueue {
  const { queueUrl, deadLetterUrl } = config.webhooks;
  if (!queueUrl || !deadLetterUrl) {
    const unset = () =>
      Promise.reject(new ConfigError('REELAY_EVENT_QUEUE_URL and REELAY_EVENT_DLQ_URL must be set'));
    return { enqueue: unset, deadLetter: unset };
  }
  return createSqsEventQueue(
    new SQSClient({ region: config.region, endpoint: config.endpoints.sqs }),
    queueUrl,
    deadLetterUrl,
  );
}

/** The key that seals signing secrets: from the environment, or from Secrets Manager (read once). */
function webhookSecretsKey(config: Config): () => Promise<string> {
  return async () => {
    const { secretsKey, secretsKeySecretId } = config.webhooks;
    if (secretsKey) return secretsKey;
    if (!secretsKeySecretId)
      throw new ConfigError('set REELAY_WEBHOOK_SECRETS_KEY or REELAY_WEBHOOK_SECRETS_KEY_SECRET_ID');
    const secret = await readSecret(secretsKeySecretId, 3_600);
    if (!secret || secret.length < 32) throw new ConfigError(`secret ${secretsKeySecretId} holds no key`);
    return secret;
  };
}

/** Builds the real adapters from config; `overrides` lets the local stack put its in-process queue in. */
export function buildDeps(config: Config, overrides: Partial<Deps> = {}): Deps {
  const dynamodb = new DynamoDBClient({ region: config.region, endpoint: config.endpoints.dynamodb });
  const s3 = new S3Client({
    region: config.region,
    endpoint: config.endpoints.s3,
    forcePathStyle: config.endpoints.s3 !== undefined,
    // streamed uploads with the default CRC trailers are not understood by S3 stand-ins
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const now = overrides.now ?? Date.now;
  const bootstrapKeys = overrides.apiKeys ?? apiKeys(config);
  const keys = overrides.keys ?? createDynamoApiKeyStore(dynamodb, config.accountsTable);
  return {
    config,
    apiKeys: bootstrapKeys,
    keys,
    resolveKey: createKeyResolver({
      bootstrap: bootstrapKeys,
      store: keys,
      cacheMs: config.accountsCacheMs,
      now,
      logger: overrides.logger ?? logger,
    }),
    rateLimits: createDynamoRateLimitStore(dynamodb, config.accountsTable),
    blocklist: compileBlocklist(config.promptBlocklist),
    moderator: config.moderation.enabled
      ? createFalModerator({
          runUrl: config.moderation.runUrl,
          credentials: falCredentials(config),
          model: config.moderation.model,
          timeoutMs: config.moderation.timeoutMs,
        })
      : undefined,
    guardUrl: createUrlGuard({ allowLocal: config.allowLocalUrls }),
    policy: policyFromConfig(config),
    jobs: createDynamoJobStore(dynamodb, config.jobsTable),
    usage: createDynamoUsageStore(dynamodb, config.usageTable),
    tenants: cachedTenantStore(
      createDynamoTenantStore(dynamodb, config.accountsTable, now),
      config.accountsCacheMs,
      now,
    ),
    archive: createS3VideoArchive(s3, config.videoBucket),
    archiveQueue: overrides.archiveQueue ?? sqsQueue(config),
    webhooks: createDynamoWebhookStore(dynamodb, config.webhooks.table),
    secretBox: createAesSecretBox(webhookSecretsKey(config)),
    sendWebhook: createHttpWebhookSender({
      rules: { allowLocal: config.allowLocalUrls },
      timeoutMs: config.webhooks.timeoutMs,
    }),
    eventQueue: overrides.eventQueue ?? sqsEventQueue(config),
    fal: createFalGateway({
      credentials: falCredentials(config),
      queueUrl: config.fal.queueUrl,
      restUrl: config.fal.restUrl,
      requestTimeoutMs: config.fal.requestTimeoutMs,
    }),
    verifyFalWebhook: createWebhookVerifier({ jwksUrl: config.fal.jwksUrl }),
    logger,
    metrics: createPowertoolsMetrics(),
    now: Date.now,
    random: Math.random,
    ...overrides,
  };
}

let production: Deps | undefined;

/** What a Lambda handler module uses: config from its environment, built once per container. */
export function productionDeps(): Deps {
  production ??= buildDeps(loadConfig(process.env));
  return production;
}
