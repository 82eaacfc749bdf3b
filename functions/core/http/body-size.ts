import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from './api-error.ts';

export const MB = 1024 * 1024;

/** The rest of the body may go unread, so the connection is not reused. */
const tooLarge = (maxBytes: number) => () => {
  throw new ApiError(413, 'request_too_large', `The request body exceeds ${maxBytes / MB} MB.`, {
    headers: { Connection: 'close' },
  });
};

/** Caps a body by its kind: JSON small, multipart (which may carry an image) larger. */
export function bodySize(limits: { json: number; multipart: number }): MiddlewareHandler {
  const json = bodyLimit({ maxSize: limits.json, onError: tooLarge(limits.json) });
  const multipart = bodyLimit({ maxSize: limits.multipart, onError: tooLarge(limits.multipart) });
  return function bodySize(c, next) {
    const type = c.req.header('content-type') ?? '';
    return type.startsWith('multipart/form-data') ? multipart(c, next) : json(c, next);
  };
}
