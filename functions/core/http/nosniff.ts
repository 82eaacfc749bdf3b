import type { MiddlewareHandler } from 'hono';

const NOSNIFF = 'X-Content-Type-Options';

/**
 * `X-Content-Type-Options: nosniff` on every answer, errors included (they are rendered before this
 * runs on): a browser then never reads a JSON error or a file as a script or a page.
 */
export function nosniff(): MiddlewareHandler {
  return async function nosniff(c, next) {
    await next();
    c.res.headers.set(NOSNIFF, 'nosniff');
  };
}

/** An error or not-found handler whose answer carries nosniff (for an app without the middleware). */
export function withNosniff<Args extends unknown[]>(
  handler: (...args: Args) => Response | Promise<Response>,
): (...args: Args) => Promise<Response> {
  return async (...args) => {
    const response = await handler(...args);
    response.headers.set(NOSNIFF, 'nosniff');
    return response;
  };
}

const JSON_NOSNIFF = { 'content-type': 'application/json', [NOSNIFF]: 'nosniff' } as const;

/**
 * A 200 JSON answer with nosniff in its plain header record: on the Node adapter it is written as it
 * is, where setting a header afterwards builds a `Headers` (about 0.06 ms a webhook, BENCHMARKS.md §2).
 */
export function answerJson(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: JSON_NOSNIFF });
}
