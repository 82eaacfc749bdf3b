import { describe, expect, it } from 'vitest';
import { classifyFalFailure, statusFromWebhookError } from '../../../functions/core/domain/fal-outcome.ts';
import { parseFalWebhook } from '../../../functions/core/fal/fal-output.ts';
import { falFixture } from '../../support/fixtures.ts';

function classifyFixture(name: string) {
  const parsed = parseFalWebhook(falFixture(name).toString('utf8'));
  if (parsed?.outcome.kind !== 'error') throw new Error(`${name} is not an error webhook`);
  return classifyFalFailure({ status: parsed.outcome.status, body: parsed.outcome.body });
}

describe('fal error classification', () => {
  it('never retries a content policy violation and carries fal’s message', () => {
    expect(classifyFixture('error-content-policy.json')).toEqual({
      retryable: false,
      error: {
        code: 'content_policy_violation',
        message:
          'prompt: The content could not be processed because it contained material flagged by a content checker.',
      },
    });
  });

  it('fails a validation error at once, naming the field', () => {
    expect(classifyFixture('error-validation.json')).toEqual({
      retryable: false,
      error: { code: 'invalid_request', message: 'prompt: field required' },
    });
  });

  it('retries an infrastructure timeout (string detail with error_type)', () => {
    expect(classifyFixture('error-timeout.json')).toEqual({
      retryable: true,
      error: { code: 'generation_timeout', message: 'Request timed out' },
    });
  });

  it('reads the status out of both wordings of a webhook error', () => {
    expect(statusFromWebhookError('Invalid status code: 422')).toBe(422);
    expect(statusFromWebhookError('Unexpected status code: 504')).toBe(504);
    expect(statusFromWebhookError(null)).toBeUndefined();
  });

  it.each([
    [{ status: 429 }, true, 'provider_rate_limited'],
    [{ status: 500 }, true, 'provider_unavailable'],
    [{ status: 502 }, true, 'provider_unavailable'],
    [{ status: 503 }, true, 'provider_unavailable'],
    [{ status: 504 }, true, 'generation_timeout'],
    [{ network: true, message: 'ECONNRESET' }, true, 'provider_unavailable'],
    [{ status: 401, body: { detail: 'Invalid key' } }, false, 'provider_auth_failed'],
    [{ status: 404, body: { detail: 'Application not found' } }, false, 'provider_error'],
    [
      {
        status: 403,
        body: {
          detail:
            'User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.',
        },
      },
      false,
      'provider_balance_exhausted',
    ],
    [
      {
        status: 504,
        body: { detail: [{ loc: ['body'], msg: 'took too long', type: 'generation_timeout' }] },
      },
      true,
      'generation_timeout',
    ],
    [
      { status: 500, body: { detail: [{ msg: 'boom', type: 'internal_server_error' }] } },
      true,
      'provider_error',
    ],
    [
      { status: 500, body: { detail: [{ msg: 'down', type: 'downstream_service_unavailable' }] } },
      true,
      'provider_unavailable',
    ],
    [
      {
        status: 422,
        body: { detail: [{ loc: ['body', 'image_url'], msg: 'could not load', type: 'image_load_error' }] },
      },
      false,
      'image_load_error',
    ],
    [
      { status: 503, body: { detail: 'Runner disconnected', error_type: 'runner_disconnected' } },
      true,
      'provider_unavailable',
    ],
    [
      { status: 504, errorType: 'startup_timeout', body: { detail: 'Startup timed out' } },
      true,
      'generation_timeout',
    ],
  ])('classifies %j as retryable=%s with code %s', (failure, retryable, code) => {
    const result = classifyFalFailure(failure);
    expect(result.retryable).toBe(retryable);
    expect(result.error.code).toBe(code);
  });

  it('lets X-Fal-Retryable overrule the status, but never for a content policy violation', () => {
    expect(classifyFalFailure({ status: 500, retryable: false }).retryable).toBe(false);
    expect(
      classifyFalFailure({ status: 400, retryable: true, body: { detail: 'try again' } }).retryable,
    ).toBe(true);
    const policy = {
      status: 422,
      retryable: true,
      body: { detail: [{ type: 'content_policy_violation', msg: 'no' }] },
    };
    expect(classifyFalFailure(policy).retryable).toBe(false);
  });
});
