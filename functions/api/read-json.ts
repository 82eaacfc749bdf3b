import type { Context } from 'hono';
import type { z } from 'zod';
import { invalidRequest } from '../core/errors.ts';
import { ApiError } from '../core/http/api-error.ts';
import { invalidRequestOf } from './create-request.ts';

/**
 * A small JSON body, validated by `schema`. An empty body reads as `{}` (the openai SDK sends none
 * for a call without parameters); anything else must be JSON.
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  let value: unknown = {};
  if (text.trim() !== '') {
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    if (!type.startsWith('application/json'))
      throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json.');
    try {
      value = JSON.parse(text);
    } catch {
      throw invalidRequest('The body is not valid JSON.');
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidRequestOf(parsed.error);
  return parsed.data;
}
