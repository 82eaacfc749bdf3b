import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { ApiKey } from '../core/config.ts';
import { ApiError } from '../core/errors.ts';

export type AuthEnv = { Variables: { tenant: string } };

const digest = (key: string) => createHash('sha256').update(key).digest('hex');

/**
 * `Authorization: Bearer <key>` → the key's tenant. Keys are compared by SHA-256 digest in a map,
 * so the lookup time does not depend on how much of a key matches.
 */
export function apiKeyAuth(loadKeys: () => Promise<ApiKey[]>): MiddlewareHandler<AuthEnv> {
  let cached: { keys: ApiKey[]; tenants: Map<string, string> } | undefined;
  const tenantsByDigest = async () => {
    const keys = await loadKeys();
    if (cached?.keys !== keys)
      cached = { keys, tenants: new Map(keys.map(({ tenant, key }) => [digest(key), tenant])) };
    return cached.tenants;
  };
  return async function apiKeyAuth(c, next) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    if (!match?.[1]) {
      throw new ApiError(401, 'missing_api_key', 'Send your API key as "Authorization: Bearer <key>".', {
        headers: { 'WWW-Authenticate': 'Bearer' },
      });
    }
    const tenant = (await tenantsByDigest()).get(digest(match[1]));
    if (!tenant) {
      throw new ApiError(401, 'invalid_api_key', 'The API key is not valid.', {
        headers: { 'WWW-Authenticate': 'Bearer' },
      });
    }
    c.set('tenant', tenant);
    await next();
  };
}
