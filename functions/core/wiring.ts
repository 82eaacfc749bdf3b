import { createKeyResolver } from './accounts/key-resolver.ts';
import { type ApiKey, type Config, loadConfig, parseApiKeys } from './config.ts';
import type { Deps } from './deps.ts';
import { compileBlocklist } from './domain/prompt-safety.ts';
import { createFalAccountPin } from './fal/account-pin.ts';
import { createUrlGuard } from './net/url-guard.ts';
import { commonDeps, readSecret } from './wiring/common.ts';
import { accountStores, dynamoClient, jobStores } from './wiring/dynamodb.ts';
import { falAdapters } from './wiring/fal.ts';
import { s3Archive } from './wiring/s3.ts';
import { sqsQueues } from './wiring/sqs.ts';
import { falWebhookVerifier } from './wiring/webhook-keys.ts';

export { policyFromConfig } from './wiring/common.ts';

/** Keys from config plus those in the keys secret (re-read every 5 minutes, so a new key works without a deploy). */
function apiKeys(config: Config): () => Promise<ApiKey[]> {
  return async () => {
    if (!config.apiKeysSecretId) return config.apiKeys;
    const secret = await readSecret(config.apiKeysSecretId, 300);
    return [...config.apiKeys, ...(secret ? parseApiKeys(secret) : [])];
  };
}

/**
 * Every adapter, built from config: what the API function and the local stack use (the other
 * functions wire only their own, see functions/<name>/wiring.ts). `overrides` lets the local stack
 * put its in-process queues in, and tests their clock or fakes.
 */
export function buildDeps(config: Config, overrides: Partial<Deps> = {}): Deps {
  const now = overrides.now ?? Date.now;
  const client = dynamoClient(config);
  const accounts = accountStores(config, now, client);
  const keys = overrides.keys ?? accounts.keys;
  const bootstrapKeys = overrides.apiKeys ?? apiKeys(config);
  const common = commonDeps(config);
  const logger = overrides.logger ?? common.logger;
  return {
    ...common,
    ...jobStores(config, client),
    ...accounts,
    ...s3Archive(config),
    ...sqsQueues(config),
    ...falAdapters(config),
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
    verifyFalWebhook: falWebhookVerifier(config, logger),
    falAccount: createFalAccountPin(config.fal.webhookUserId),
    ...overrides,
  };
}

let production: Deps | undefined;

/** What a Lambda handler module uses: config from its environment, built once per container. */
export function productionDeps(): Deps {
  production ??= buildDeps(loadConfig(process.env));
  return production;
}
