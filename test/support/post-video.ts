import type { TestStack } from './test-stack.ts';

export interface PostVideoOptions {
  /** Whose key (the dev tenant's unless given; null: none at all). */
  key?: string | null;
  idempotencyKey?: string;
}

/**
 * `POST /v1/videos` with a JSON body, answered as it is (any status): `body` is the request, or a
 * prompt alone for a 4-second video of the default model.
 */
export function postVideo(
  stack: TestStack,
  body: string | Record<string, unknown>,
  { key, idempotencyKey }: PostVideoOptions = {},
): Promise<Response> {
  return stack.api('/v1/videos', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(idempotencyKey !== undefined && { 'idempotency-key': idempotencyKey }),
    },
    body: JSON.stringify(typeof body === 'string' ? { prompt: body, seconds: '4' } : body),
    ...(key !== undefined && { key }),
  });
}
