import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Config, ConfigError, loadConfig } from '../functions/core/config.ts';
import { createAesSecretBox } from '../functions/core/events/secret-box.ts';
import { createDynamoApiKeyStore } from '../functions/core/store/dynamodb/api-key-store.ts';
import { createDynamoJobStore } from '../functions/core/store/dynamodb/job-store.ts';
import { createDynamoStatsStore } from '../functions/core/store/dynamodb/stats-store.ts';
import { createDynamoTenantStore } from '../functions/core/store/dynamodb/tenant-store.ts';
import { createDynamoWebhookStore } from '../functions/core/store/dynamodb/webhook-store.ts';
import { parseAdminArgs, runAdmin, UsageError } from './admin/cli.ts';
import { loadLocalSettings } from './local-config.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The key that seals signing secrets: the environment's, the secret's, or (--local) the data dir's. */
function sealingKey(config: Config, local: boolean): () => Promise<string> {
  return async () => {
    if (config.webhooks.secretsKey) return config.webhooks.secretsKey;
    if (config.webhooks.secretsKeySecretId) {
      const value = await getSecret(config.webhooks.secretsKeySecretId);
      if (typeof value === 'string') return value;
    }
    const file = join(resolve(loadLocalSettings(process.env).REELAY_DATA_DIR), 'webhook-secrets-key');
    if (local && existsSync(file)) return readFileSync(file, 'utf8').trim();
    throw new ConfigError(
      'set REELAY_WEBHOOK_SECRETS_KEY or REELAY_WEBHOOK_SECRETS_KEY_SECRET_ID (or use --local)',
    );
  };
}

/**
 * `npm run admin -- …`: tenants and API keys, with the same store code the API uses. Against a running
 * `npm start` with --local; against a deployed table with the environment's AWS credentials.
 */
async function main(argv: string[]): Promise<void> {
  const { values } = parseAdminArgs(argv);
  const config = loadConfig(process.env);
  let endpoint = values.endpoint ?? config.endpoints.dynamodb;
  let credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  if (values.local) {
    const settings = loadLocalSettings(process.env);
    endpoint = `http://127.0.0.1:${settings.REELAY_LOCAL_DYNAMODB_PORT ?? settings.PORT + 3}`;
    // dynalite accepts any credentials; these keep real ones out of a local call
    credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  }
  // an explicit region, else the SDK's own resolution (AWS_REGION, then the profile's), as the aws CLI does
  const region = values.region ?? (values.local ? config.region : undefined);
  const client = new DynamoDBClient({ region, endpoint, credentials });
  const table = values.table ?? config.accountsTable;
  try {
    await runAdmin(argv, {
      keys: createDynamoApiKeyStore(client, table),
      tenants: createDynamoTenantStore(client, table),
      stats: createDynamoStatsStore(client, values['jobs-table'] ?? config.jobsTable),
      webhook: {
        webhooks: createDynamoWebhookStore(client, config.webhooks.table),
        jobs: createDynamoJobStore(client, config.jobsTable),
        secretBox: createAesSecretBox(sealingKey(config, values.local ?? false)),
      },
      defaults: config.tenantDefaults,
      now: Date.now,
      print: (line) => console.log(line),
    });
  } finally {
    client.destroy();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // the reason, not a stack: credentials, region or table are what usually need fixing
  console.error(error instanceof Error && !process.env.DEBUG ? `${error.name}: ${error.message}` : error);
  process.exit(error instanceof UsageError ? 2 : 1);
});
