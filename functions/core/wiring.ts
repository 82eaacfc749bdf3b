import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createKeyResolver } from './accounts/key-resolver.ts';
import { type Config, loadConfig } from './config.ts';
import { createFalEnhancer } from './creative/fal/fal-enhancer.ts';
import type { Deps } from './deps.ts';
import { compileBlocklist } from './domain/prompt-safety.ts';
import { buildStyleCatalog } from './domain/styles.ts';
import { createFalAccountPin } from './fal/account-pin.ts';
import { createUrlGuard } from './net/url-guard.ts';
import { createDynamoFeedbackStore } from './store/dynamodb/feedback-store.ts';
import { dynamoClient, sqsClient } from './wiring/aws-clients.ts';
import { commonDeps } from './wiring/common.ts';
import { accountStores, jobStores } from './wiring/dynamodb.ts';
import { webhookAdapters } from './wiring/events.ts';
import { falAdapters, falBilling } from './wiring/fal.ts';
import { s3ArchiveOnFirstUse } from './wiring/s3-on-first-use.ts';
import { apiKeys, falCredentials } from './wiring/secrets.ts';
import { sqsQueues } from './wiring/sqs.ts';
import { falWebhookVerifier } from './wiring/webhook-keys.ts';

export { policyFromConfig } from './wiring/common.ts';

/** The AWS SDK clients the adapters share. */
export interface AwsClients {
  dynamodb: DynamoDBClient;
  s3: S3Client;
  sqs: SQSClient;
}

/**
 * Every adapter, built from config: what the API function and the local stack use (the other
 * functions wire only their own, see functions/<name>/wiring.ts). `overrides` lets the local stack
 * put its in-process queues in, and tests their clock or fakes; `clients` lets a test watch every
 * AWS call (test/integration/iam-audit.test.ts). Without them, each is one traced client per service
 * (wiring/aws-clients.ts); S3's is built with the archive, on its first call.
 */
export function buildDeps(config: Config, overrides: Partial<Deps> = {}, clients?: AwsClients): Deps {
  const dynamodb = clients?.dynamodb ?? dynamoClient(config);
  const now = overrides.now ?? Date.now;
  const common = commonDeps(config);
  const logger = overrides.logger ?? common.logger;
  const metrics = overrides.metrics ?? common.metrics;
  const accounts = accountStores(config, now, dynamodb);
  const keys = overrides.keys ?? accounts.keys;
  const bootstrapKeys = overrides.apiKeys ?? apiKeys(config);
  return {
    ...common,
    ...jobStores(config, dynamodb),
    ...accounts,
    ...s3ArchiveOnFirstUse(config, clients?.s3),
    ...sqsQueues(config, clients?.sqs ?? sqsClient(config)),
    ...falAdapters(config, metrics),
    apiKeys: bootstrapKeys,
    keys,
    resolveKey: createKeyResolver({
      bootstrap: bootstrapKeys,
      store: keys,
      cacheMs: config.accountsCacheMs,
      now,
      logger,
    }),
    blocklist: compileBlocklist(config.promptBlocklist),
    guardUrl: createUrlGuard({ allowLocal: config.allowLocalUrls }),
    ...webhookAdapters(config, dynamodb),
    verifyFalWebhook: falWebhookVerifier(config, logger),
    falAccount: createFalAccountPin(config.fal.webhookUserId),
    styles: buildStyleCatalog(config.styles),
    enhancer: createFalEnhancer({
      runUrl: config.moderation.runUrl,
      credentials: falCredentials(config),
      model: config.enhancement.model,
      timeoutMs: config.enhancement.timeoutMs,
    }),
    feedback: createDynamoFeedbackStore(dynamodb, config.jobsTable),
    ...falBilling(config),
    ...overrides,
  };
}

let production: Deps | undefined;

/** What a Lambda handler module uses: config from its environment, built once per container. */
export function productionDeps(): Deps {
  production ??= buildDeps(loadConfig(process.env));
  return production;
}
