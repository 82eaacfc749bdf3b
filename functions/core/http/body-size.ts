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

/**
 * Caps a body by its kind: JSON small, multipart (which may carry an image) larger. A declared length
 * decides from the header alone; only a body of unknown length is counted as it is read (Hono's
 * bodyLimit). Touching `c.req.raw.body` turns the Node adapter's light request into a full Request
 * with a web stream, which cost the webhook about 0.2 ms of CPU a delivery (BENCHMARKS.md §2).
 */
export function bodySize(limits: { json: number; multipart: number }): MiddlewareHandler {
  const json = bodyLimit({ maxSize: limits.json, onError: tooLarge(limits.json) });
  const multipart = bodyLimit({ maxSize: limits.multipart, onError: tooLarge(limits.multipart) });
  return async function bodySize(c, next) {
    // no route reads a GET's or a HEAD's body; the server discards it
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const isMultipart = (c.req.header('content-type') ?? '').startsWith('multipart/form-data');
    const length = c.req.header('content-length');
    // Node's parser reads exactly the declared length (and refuses a request that also says chunked)
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      const max = isMultipart ? limits.multipart : limits.json;
      if (Number.parseInt(length, 10) > max) tooLarge(max)();
      return next();
    }
    return isMultipart ? multipart(c, next) : json(c, next);
  };
}
