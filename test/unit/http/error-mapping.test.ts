import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  Conflict,
  Forbidden,
  InvalidRequest,
  LimitExceeded,
  NotFound,
  ProviderFailed,
  Unavailable,
} from '../../../functions/core/errors.ts';
import { errorHandler } from '../../../functions/core/http/error-handler.ts';
import { logger } from '../../../functions/core/logger.ts';

/** What the API answers when core throws `error`. */
async function answer(error: Error) {
  const app = new Hono();
  app.onError(errorHandler(logger));
  app.get('/', () => {
    throw error;
  });
  const response = await app.request('/');
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: await response.json(),
  };
}

describe('core errors at the HTTP edge', () => {
  it.each([
    [new InvalidRequest('prompt_rejected', 'no', { param: 'prompt' }), 400, 'invalid_request_error'],
    [
      new Forbidden('safety_checker_required', 'no', { param: 'enable_safety_checker' }),
      403,
      'invalid_request_error',
    ],
    [
      new NotFound('not_found', 'Video x was not found.', { param: 'video_id' }),
      404,
      'invalid_request_error',
    ],
    [
      new Conflict('idempotency_key_reused', 'no', { param: 'Idempotency-Key' }),
      409,
      'invalid_request_error',
    ],
    [new ProviderFailed('provider_unavailable', 'no', { param: 'input_reference' }), 502, 'server_error'],
  ] as const)('%s answers %i in the envelope', async (error, status, type) => {
    expect(await answer(error)).toEqual({
      status,
      retryAfter: null,
      body: { error: { code: error.code, message: error.message, param: error.param, type } },
    });
  });

  it('a limit or an outage says when to retry', async () => {
    const budget = await answer(new LimitExceeded('budget_exceeded', 'spent', { retryAfterSeconds: 3600 }));
    expect(budget).toMatchObject({
      status: 429,
      retryAfter: '3600',
      body: { error: { code: 'budget_exceeded' } },
    });
    const down = await answer(new Unavailable('moderation_unavailable', 'retry', { retryAfterSeconds: 5 }));
    expect(down).toMatchObject({ status: 503, retryAfter: '5', body: { error: { type: 'server_error' } } });
  });

  it.each([
    ['a call cut by its own limit', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    ['a call cut by the deadline', Object.assign(new Error('Request aborted'), { name: 'AbortError' })],
    [
      'a secret read cut by the deadline, wrapped by Powertools',
      Object.assign(
        new Error('Request aborted', {
          cause: Object.assign(new Error('Request aborted'), { name: 'AbortError' }),
        }),
        { name: 'GetParameterError' },
      ),
    ],
    [
      'a secret read throttled, wrapped by Powertools',
      Object.assign(
        new Error('Rate exceeded', {
          cause: Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
        }),
        { name: 'GetParameterError' },
      ),
    ],
    [
      "a secret read failing on AWS's side, wrapped by Powertools",
      Object.assign(
        new Error('Internal', {
          cause: Object.assign(new Error('Internal'), { name: 'InternalServiceError', $fault: 'server' }),
        }),
        { name: 'GetParameterError' },
      ),
    ],
  ])('%s is a dependency briefly unavailable: 503, retry shortly', async (_, error) => {
    expect(await answer(error)).toMatchObject({
      status: 503,
      retryAfter: '2',
      body: { error: { code: 'service_unavailable', type: 'server_error' } },
    });
  });

  it('a plain error of ours is still a 500, not passed off as an outage', async () => {
    expect(await answer(new TypeError('x is undefined'))).toMatchObject({
      status: 500,
      body: { error: { code: 'internal_error' } },
    });
  });
});
