/**
 * An answer the HTTP edge gives as it is: status, code, message, param and headers. Only the edge
 * (functions/api, functions/fal-webhook, core/http) makes these; core throws its own errors
 * (core/errors.ts), which the error handler turns into one of these.
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
