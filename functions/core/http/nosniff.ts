import type { MiddlewareHandler } from 'hono';

/**
 * `X-Content-Type-Options: nosniff` on every answer, errors included (they are rendered before this
 * runs on): a browser then never reads a JSON error or a file as a script or a page.
 */
export function nosniff(): MiddlewareHandler {
  return async function nosniff(c, next) {
    await next();
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
  };
}
