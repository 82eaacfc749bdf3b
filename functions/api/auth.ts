import type { MiddlewareHandler } from 'hono';
import type { KeyResolver } from '../core/accounts/key-resolver.ts';
import { ApiError } from '../core/http/api-error.ts';

export type AuthEnv = { Variables: { tenant: string; keyId: string } };

const unauthorized = (code: string, message: string) =>
  new ApiError(401, code, message, { headers: { 'WWW-Authenticate': 'Bearer' } });

/**
 * `Authorization: Bearer <key>` → the key's tenant and id. Keys are looked up by their SHA-256 digest
 * (in a map or as the table's key), so the lookup time does not depend on how much of a key matches.
 */
export function apiKeyAuth(resolveKey: KeyResolver): MiddlewareHandler<AuthEnv> {
  return async function apiKeyAuth(c, next) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    if (!match?.[1]) {
      throw unauthorized('missing_api_key', 'Send your API key as "Authorization: Bearer <key>".');
    }
    // no key is this long; not worth hashing
    const caller = match[1].length <= 256 ? await resolveKey(match[1]) : undefined;
    if (!caller) throw unauthorized('invalid_api_key', 'The API key is not valid.');
    c.set('tenant', caller.tenant);
    c.set('keyId', caller.keyId);
    await next();
  };
}
