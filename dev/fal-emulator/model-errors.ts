import type { GenerationErrorName } from './faults/schema.ts';

/** How a failed request answers its result call, and the `error` line of its ERROR webhook. */
export interface ModelError {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  webhookError: string;
}

export type ModelErrorName =
  | GenerationErrorName
  | 'file_download_error'
  | 'unsupported_video_format'
  | 'video_duration_too_short'
  | 'video_duration_too_long'
  | 'video_not_remixable'
  | 'startup_timeout'
  | 'client_cancelled';

export interface ErrorContext {
  prompt: string;
  /** The image field that failed, and its value, for image errors. */
  field?: string;
  fieldValue?: unknown;
  /** The bound a video broke (seconds), for the duration errors. */
  limit?: number;
}

const DOCS = 'https://docs.fal.ai/errors/#';

// Model errors: a `detail` list of typed items (fal.md "Errors"), optionally with X-Fal-Retryable.
function modelError(
  status: number,
  item: { loc: string[]; msg: string; type: string; input?: unknown },
  retryable: boolean,
): ModelError {
  return {
    status,
    body: { detail: [{ ...item, url: `${DOCS}${item.type}` }] },
    headers: { 'X-Fal-Retryable': String(retryable) },
    webhookError: `Invalid status code: ${status}`,
  };
}

// Infrastructure errors: string detail + error_type, mirrored in X-Fal-Error-Type.
function requestError(status: number, detail: string, errorType: string, extra: Record<string, string> = {}) {
  return {
    status,
    body: { detail, error_type: errorType },
    headers: { 'X-Fal-Error-Type': errorType, ...extra },
    webhookError: `Invalid status code: ${status}`,
  };
}

/** The exact response fal gives for each failure the emulator can produce. */
export function buildModelError(name: ModelErrorName, context: ErrorContext): ModelError {
  const field = context.field ?? 'image_url';
  switch (name) {
    case 'content_policy_violation':
      return modelError(
        422,
        {
          loc: ['body', 'prompt'],
          msg: 'The content could not be processed because it contained material flagged by a content checker.',
          type: 'content_policy_violation',
          input: context.prompt,
        },
        false,
      );
    case 'validation':
      // A runner-side pydantic failure: plain FastAPI item, and fal's other wording in the webhook (see fixtures).
      return {
        status: 422,
        body: { detail: [{ loc: ['body', 'prompt'], msg: 'field required', type: 'value_error.missing' }] },
        headers: {},
        webhookError: 'Unexpected status code: 422',
      };
    case 'request_timeout':
      return requestError(504, 'Request timed out', 'request_timeout');
    case 'startup_timeout':
      return requestError(504, 'Request timed out before it could start', 'startup_timeout', {
        'X-Fal-Request-Timeout-Type': 'user',
      });
    case 'runner_disconnected':
      return requestError(503, 'Runner disconnected', 'runner_disconnected');
    case 'client_cancelled':
      return requestError(499, 'Request cancelled by the client', 'client_cancelled');
    case 'generation_timeout':
      return modelError(
        504,
        { loc: ['body'], msg: 'Generation timed out. Please try again.', type: 'generation_timeout' },
        true,
      );
    case 'internal_server_error':
      return modelError(
        500,
        {
          loc: ['body'],
          msg: 'Internal server error. Please try again later.',
          type: 'internal_server_error',
        },
        true,
      );
    case 'downstream_service_unavailable':
      return modelError(
        500,
        {
          loc: ['body'],
          msg: 'The downstream service is currently unavailable. Please try again later.',
          type: 'downstream_service_unavailable',
        },
        true,
      );
    case 'image_load_error':
      return modelError(
        422,
        {
          loc: ['body', field],
          msg: 'Failed to load the image. Please ensure the image file is not corrupted and is in a supported format.',
          type: 'image_load_error',
          input: context.fieldValue ?? null,
        },
        false,
      );
    case 'unsupported_video_format':
      return modelError(
        422,
        {
          loc: ['body', field],
          msg: 'The video format is not supported. Please provide a valid MP4 or MOV file.',
          type: 'unsupported_video_format',
          input: context.fieldValue ?? null,
        },
        false,
      );
    case 'video_duration_too_short':
    case 'video_duration_too_long':
      return modelError(
        422,
        {
          loc: ['body', field],
          msg: `The video is too ${name.endsWith('short') ? 'short' : 'long'}: it must be ${name.endsWith('short') ? 'at least' : 'at most'} ${context.limit} seconds.`,
          type: name,
          input: context.fieldValue ?? null,
        },
        false,
      );
    case 'video_not_remixable':
      // fal.md: a Sora video made with delete_video true (the default) "cannot be used for remixing".
      return modelError(
        422,
        {
          loc: ['body', 'video_id'],
          msg: 'The video cannot be used for remixing: it does not exist or was created with delete_video set to true.',
          type: 'value_error',
          input: context.fieldValue ?? null,
        },
        false,
      );
    case 'file_download_error':
      return modelError(
        422,
        {
          loc: ['body', field],
          msg: 'Failed to download the file. Please check if the URL is accessible and try again.',
          type: 'file_download_error',
          input: context.fieldValue ?? null,
        },
        false,
      );
  }
}
