import { type ApiKey, type Config, ConfigError, parseApiKeys } from '../config.ts';
import { boundedCalls, SECRETS_MANAGER_LIMITS } from '../net/aws-call-bounds.ts';
import { onFirstUse } from './on-first-use.ts';

/** What the stack puts in a secret before the operator sets it. */
const UNSET_SECRET = /^\s*(unset)?\s*$/;

/**
 * Secrets Manager's client is loaded on the first read: a function whose key is in its environment
 * never loads it. Its calls are bounded as every AWS call is (net/aws-call-bounds.ts).
 */
const secrets = onFirstUse(
  async () => {
    const { SecretsProvider } = await import('@aws-lambda-powertools/parameters/secrets');
    const provider = new SecretsProvider({
      clientConfig: boundedCalls(SECRETS_MANAGER_LIMITS),
    });
    return { get: (id: string, maxAge: number) => provider.get(id, { maxAge }) };
  },
  { get: true },
);

export async function readSecret(id: string, maxAge: number): Promise<string | undefined> {
  const value = await secrets.get(id, maxAge);
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
