/**
 * What went wrong, in the domain's words: core throws these and chooses no HTTP status. The one HTTP
 * edge (core/http/error-handler.ts) gives each kind its status and the envelope; anything thrown that
 * is none of these is a bug, answered with a generic 500.
 */
export abstract class ReelayError extends Error {
  abstract readonly kind:
    | 'invalid_request'
    | 'forbidden'
    | 'not_found'
    | 'conflict'
    | 'limit_exceeded'
    | 'provider_failed'
    | 'unavailable';
  readonly code: string;
  readonly param: string | null;
  /** When the same request may succeed again (a limit's window, a dependency's recovery). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: string,
    message: string,
    options: { param?: string | null; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.param = options.param ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** The request cannot be served as asked (a bad field, a refused prompt); the same request fails again. */
export class InvalidRequest extends ReelayError {
  readonly kind = 'invalid_request';
}

/** The caller may not do this (a setting the operator did not allow it). */
export class Forbidden extends ReelayError {
  readonly kind = 'forbidden';
}

/** Absent, deleted, or another tenant's: the same answer, so ids reveal nothing. */
export class NotFound extends ReelayError {
  readonly kind = 'not_found';
}

/** The thing is not in a state that allows this (not ready, reused key, a concurrent change). */
export class Conflict extends ReelayError {
  readonly kind = 'conflict';
}

/** A rate, queue or budget limit: the same request may pass after `retryAfterSeconds`. */
export class LimitExceeded extends ReelayError {
  readonly kind = 'limit_exceeded';
}

/** fal answered a call we needed with a failure (an upload that did not take). */
export class ProviderFailed extends ReelayError {
  readonly kind = 'provider_failed';
}

/** A dependency (moderation, enhancement, keys) is down for now: retry. */
export class Unavailable extends ReelayError {
  readonly kind = 'unavailable';
}

export const invalidRequest = (message: string, param?: string): InvalidRequest =>
  new InvalidRequest('invalid_request', message, { param });

export const notFound = (what: string, param?: string): NotFound =>
  new NotFound('not_found', `${what} was not found.`, { param });
