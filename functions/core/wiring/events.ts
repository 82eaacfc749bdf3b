import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Config, ConfigError } from '../config.ts';
import type { Deps } from '../deps.ts';
import { createHttpWebhookSender } from '../events/http/webhook-sender.ts';
import { createAesSecretBox } from '../events/secret-box.ts';
import { type LivePush, noLivePush } from '../live/live-push.ts';
import { createDynamoConnectionStore } from '../store/dynamodb/connection-store.ts';
import { createDynamoWebhookStore } from '../store/dynamodb/webhook-store.ts';
import { dynamoClient } from './aws-clients.ts';
import { onFirstUse } from './on-first-use.ts';
import { readSecret } from './secrets.ts';

/** The key that seals signing secrets: from the environment, or from Secrets Manager (read once an hour). */
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

/**
 * Client webhooks: endpoints and callback secrets (sealed at rest), and the guarded HTTP sender; the
 * open event streams and the WebSocket API's management endpoint that posts to them.
 */
export function webhookAdapters(
  config: Config,
  client: DynamoDBClient = dynamoClient(config),
): Pick<Deps, 'webhooks' | 'secretBox' | 'sendWebhook' | 'connections' | 'livePush'> {
  const { connectionsTable } = config.events;
  return {
    connections: createDynamoConnectionStore(client, connectionsTable),
    livePush: livePushFor(config),
    webhooks: createDynamoWebhookStore(client, config.webhooks.table),
    secretBox: createAesSecretBox(webhookSecretsKey(config)),
    sendWebhook: createHttpWebhookSender({
      rules: { allowLocal: config.allowLocalUrls },
      timeoutMs: config.webhooks.timeoutMs,
    }),
  };
}

/** What opening an event stream needs: the key that seals its tokens, and the connections table. */
export function streamAdapters(
  config: Config,
  client: DynamoDBClient = dynamoClient(config),
): Pick<Deps, 'secretBox' | 'connections'> {
  return {
    secretBox: createAesSecretBox(webhookSecretsKey(config)),
    connections: createDynamoConnectionStore(client, config.events.connectionsTable),
  };
}

/**
 * Posts to streams through the WebSocket API's management endpoint (its client loaded on the first
 * post: most API requests post nothing); without one, no stream is open.
 */
export function livePushFor(config: Config): LivePush {
  const { managementUrl } = config.events;
  if (!managementUrl) return noLivePush;
  return onFirstUse(
    async () => {
      const { createApiGatewayLivePush } = await import('../live/api-gateway/live-push.ts');
      return createApiGatewayLivePush(managementUrl, config.region);
    },
    { post: true, isOpen: true },
  );
}
