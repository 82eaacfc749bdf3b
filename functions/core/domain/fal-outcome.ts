import type { GeneratedVideo, JobError } from './job.ts';

/** How a fal request ended, whether learnt from a webhook or from polling the queue. */
export type FalOutcome =
  | { kind: 'ok'; requestId: string; video: GeneratedVideo; seed?: string }
  | { kind: 'error'; requestId: string; status?: number; body: unknown }
  /** fal could not serialise the output into the webhook: the result must be fetched from the queue. */
  | { kind: 'payload_missing'; requestId: string; reason: string };

/** An outcome with the model's answer in hand (what fal's queue returns for a finished request). */
export type SettledOutcome = Exclude<FalOutcome, { kind: 'payload_missing' }>;

/** A failed call to fal (submit, status, result), reduced to what classification needs. */
export interface FalFailure {
  status?: number;
  body?: unknown;
  /** `X-Fal-Retryable` when fal sent it. */
  retryable?: boolean;
  /** `X-Fal-Error-Type` when fal sent it. */
  errorType?: string;
  /** No HTTP answer at all: connection refused, reset, timed out. */
  network?: boolean;
  /** The request may have reached fal before the answer was lost (a timeout or reset, not a refused connection). */
  maybeAccepted?: boolean;
  message?: string;
}

export interface Classified {
  retryable: boolean;
  error: JobError;
}

interface DetailItem {
  loc?: unknown;
  msg?: unknown;
  type?: unknown;
}

const RETRYABLE_MODEL_ERRORS: Record<string, string> = {
  generation_timeout: 'generation_timeout',
  internal_server_error: 'provider_error',
  downstream_service_unavailable: 'provider_unavailable',
};

const INFRA_ERRORS: Record<string, string> = {
  request_timeout: 'generation_timeout',
  startup_timeout: 'generation_timeout',
  runner_scheduling_failure: 'provider_unavailable',
  runner_connection_timeout: 'provider_unavailable',
  runner_disconnected: 'provider_unavailable',
  runner_connection_refused: 'provider_unavailable',
};

/** Errors about the client's own input: fal names them, and so do we. */
const INPUT_ERRORS = new Set([
  'image_load_error',
  'file_download_error',
  'image_too_small',
  'image_too_large',
  'downstream_service_error',
]);

function detailItems(body: unknown): DetailItem[] {
  if (body && typeof body === 'object' && 'detail' in body && Array.isArray(body.detail)) {
    return body.detail.filter((item): item is DetailItem => typeof item === 'object' && item !== null);
  }
  return [];
}

function detailText(body: unknown): string | undefined {
  if (body && typeof body === 'object' && 'detail' in body && typeof body.detail === 'string')
    return body.detail;
  return undefined;
}

function field(item: DetailItem): string | undefined {
  return Array.isArray(item.loc)
    ? item.loc.filter((part) => part !== 'body').join('.') || undefined
    : undefined;
}

function describe(item: DetailItem): string {
  const where = field(item);
  const msg = typeof item.msg === 'string' ? item.msg : 'invalid value';
  return where ? `${where}: ${msg}` : msg;
}

/** Reads fal's status code out of a webhook's `error` ("Invalid status code: 422", "Unexpected status code: 422"). */
export function statusFromWebhookError(error: unknown): number | undefined {
  const match = typeof error === 'string' ? /status code:?\s*(\d{3})/i.exec(error) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * Decides whether a failure from fal can succeed if tried again, and what the client is told.
 * Order: fal's own `X-Fal-Retryable` wins; then the error type in the body; then the HTTP status.
 */
export function classifyFalFailure(failure: FalFailure): Classified {
  const decide = (retryable: boolean, code: string, message: string): Classified => ({
    retryable: failure.retryable ?? retryable,
    error: { code, message },
  });
  if (failure.network) {
    return decide(
      true,
      'provider_unavailable',
      `fal could not be reached: ${failure.message ?? 'network error'}`,
    );
  }
  const { status, body } = failure;
  const items = detailItems(body);
  const first = items[0];
  const type = typeof first?.type === 'string' ? first.type : undefined;
  if (type === 'content_policy_violation') {
    return { retryable: false, error: { code: 'content_policy_violation', message: describe(first ?? {}) } };
  }
  if (type && RETRYABLE_MODEL_ERRORS[type]) {
    return decide(true, RETRYABLE_MODEL_ERRORS[type], describe(first ?? {}));
  }
  if (type && INPUT_ERRORS.has(type)) return decide(false, type, describe(first ?? {}));

  const text = detailText(body);
  const infraType =
    failure.errorType ??
    (body && typeof body === 'object' && 'error_type' in body ? String(body.error_type) : undefined);
  if (infraType && INFRA_ERRORS[infraType]) {
    return decide(true, INFRA_ERRORS[infraType], text ?? infraType);
  }
  if (status === 403 && text && /exhausted balance|user is locked/i.test(text)) {
    return { retryable: false, error: { code: 'provider_balance_exhausted', message: text } };
  }
  if (status === 401 || status === 403) {
    return decide(false, 'provider_auth_failed', text ?? 'fal rejected the credentials.');
  }
  if (status === 422 || items.length > 0) {
    const message = items.length > 0 ? items.map(describe).join('; ') : (text ?? 'fal rejected the input.');
    return decide(false, 'invalid_request', message);
  }
  const answered = `fal answered ${status ?? 'with an error'}${text ? `: ${text}` : '.'}`;
  if (status === 429) return decide(true, 'provider_rate_limited', answered);
  if (status === 408 || (status !== undefined && status >= 500)) {
    return decide(true, status === 504 ? 'generation_timeout' : 'provider_unavailable', answered);
  }
  return decide(false, 'provider_error', answered);
}
