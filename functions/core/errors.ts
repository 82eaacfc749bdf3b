/**
 * The one error type a client sees. Anything thrown that is not an ApiError is a bug and is
 * answered as a generic 500 by the single error handler (functions/api/error-handler.ts).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly param: string | null;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { param?: string | null; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }

  toBody(): { error: { code: string; message: string; param: string | null } } {
    return { error: { code: this.code, message: this.message, param: this.param } };
  }
}

export const invalidRequest = (message: string, param?: string): ApiError =>
  new ApiError(400, 'invalid_request', message, { param });

export const notFound = (what: string, param?: string): ApiError =>
  new ApiError(404, 'not_found', `${what} was not found.`, { param });
