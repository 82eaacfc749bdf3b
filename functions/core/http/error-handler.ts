import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ReelayError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { ApiError } from './api-error.ts';

/** The status of each kind of domain error: the one place core's errors meet HTTP. */
const STATUS: Record<ReelayError['kind'], number> = {
  invalid_request: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  limit_exceeded: 429,
  provider_failed: 502,
  unavailable: 503,
};

/** A domain error as the API answers it: its kind's status, its code and param, Retry-After when it says when. */
export function toApiError(error: ReelayError): ApiError {
  const headers: Record<string, string> =
    error.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(error.retryAfterSeconds) };
  return new ApiError(STATUS[error.kind], error.code, error.message, {
    param: error.param,
    headers,
    cause: error,
  });
}

/** OpenAI's SDK reads `type` beside code/message/param; we fill it the way OpenAI does. */
function render(c: Context, error: ApiError) {
  const type = error.status >= 500 ? 'server_error' : 'invalid_request_error';
  const body = { error: { ...error.toBody().error, type } };
  return c.json(body, error.status as ContentfulStatusCode, error.headers);
}

const THROTTLED = /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded|SlowDown|ServiceUnavailable/;
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
// a call cut by its own limits or by the request's deadline (core/net/aws-call-bounds.ts)
const GAVE_UP = new Set(['TimeoutError', 'AbortError']);

/**
 * A dependency (DynamoDB, S3, SQS) throttling, failing on its side, out of reach after the SDK's
 * own retries, or too slow for the request's deadline: the same request can succeed in a moment, so
 * the client is told to retry (the openai SDK does so by itself on 503), not that we broke.
 */
function isTransient(error: Error): boolean {
  // Powertools wraps an AWS error as its cause (a secret's read); a few levels are enough
  let cause: unknown = error;
  for (let depth = 0; depth < 5 && cause instanceof Error; depth++, cause = cause.cause) {
    const { $fault, code } = cause as Error & { $fault?: string; code?: string };
    if ($fault === 'server' || THROTTLED.test(cause.name) || GAVE_UP.has(cause.name)) return true;
    if (code !== undefined && UNREACHABLE.has(code)) return true;
  }
  return false;
}

/** The one place an error becomes an HTTP answer: ApiErrors as they are, domain errors by their kind, transient faults a 503, anything else a logged generic 500. */
export function errorHandler(logger: Logger): ErrorHandler {
  return function onError(error, c) {
    if (error instanceof ApiError) return render(c, error);
    if (error instanceof ReelayError) return render(c, toApiError(error));
    if (error instanceof HTTPException && error.status < 500) {
      return render(
        c,
        new ApiError(error.status, 'invalid_request', error.message || 'The request could not be read.'),
      );
    }
    if (isTransient(error)) {
      logger.warn('dependency unavailable', { method: c.req.method, path: c.req.path, error: String(error) });
      return render(
        c,
        new ApiError(
          503,
          'service_unavailable',
          'A service Reelay depends on is briefly unavailable; retry shortly.',
          {
            headers: { 'Retry-After': '2' },
          },
        ),
      );
    }
    logger.error('unhandled error', {
      method: c.req.method,
      path: c.req.path,
      error: String(error),
      stack: error.stack,
    });
    return render(c, new ApiError(500, 'internal_error', 'Something went wrong on our side; please retry.'));
  };
}

export const notFoundHandler: NotFoundHandler = (c) =>
  render(c, new ApiError(404, 'not_found', `No route for ${c.req.method} ${c.req.path}.`));
