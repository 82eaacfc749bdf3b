import { loadConfig } from '../core/config.ts';
import { createFalAccountPin } from '../core/fal/account-pin.ts';
import { commonDeps } from '../core/wiring/common.ts';
import { jobStores } from '../core/wiring/dynamodb.ts';
import { sqsQueues } from '../core/wiring/sqs.ts';
import { falWebhookVerifier } from '../core/wiring/webhook-keys.ts';
import type { FalWebhookDeps } from './app.ts';

/** Only what capturing a webhook uses: the jobs and usage tables, the two queues, fal's public keys. */
export function webhookDeps(env: Record<string, string | undefined> = process.env): FalWebhookDeps {
  const config = loadConfig(env);
  const common = commonDeps(config);
  return {
    ...common,
    ...jobStores(config),
    ...sqsQueues(config),
    verifyFalWebhook: falWebhookVerifier(config, common.logger),
    falAccount: createFalAccountPin(config.fal.webhookUserId),
  };
}
