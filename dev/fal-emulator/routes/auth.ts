import type { MiddlewareHandler } from 'hono';
import { jsonResponse } from '../json.ts';

/** fal's answer to a bad key, or null when the header passes (exact key when one is configured). */
export function authError(header: string | undefined, apiKey: string | undefined): Response | null {
  if (!header) return jsonResponse(401, { detail: 'Missing authorization header' });
  const ok = apiKey === undefined ? /^Key \S/.test(header) : header === `Key ${apiKey}`;
  return ok ? null : jsonResponse(401, { detail: 'No user found for Key ID and Secret' });
}

/** `Authorization: Key …` on the queue and rest APIs (the CDN and upload URLs are public). */
export function falAuth(apiKey: string | undefined): MiddlewareHandler {
  return async function falAuth(c, next) {
    const error = authError(c.req.header('authorization'), apiKey);
    if (error) return error;
    await next();
  };
}
