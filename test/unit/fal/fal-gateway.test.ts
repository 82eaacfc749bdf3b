import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../functions/core/config.ts';
import { classifyFalFailure } from '../../../functions/core/domain/fal-outcome.ts';
import { createFalGateway, rewriteFalHosts } from '../../../functions/core/fal/client/fal-gateway.ts';
import { FalCallError } from '../../../functions/core/fal/fal-gateway.ts';

const ENDPOINT = 'fal-ai/bytedance/seedance/v1.5/pro/text-to-video';

async function failureOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof FalCallError)) throw new Error(`expected a FalCallError, got ${String(error)}`);
  return error.failure;
}

describe('fal gateway over @fal-ai/client', () => {
  it('moves fal’s fixed hosts to the configured ones, and leaves other URLs alone', async () => {
    const move = rewriteFalHosts('http://127.0.0.1:4010', 'http://127.0.0.1:4011/');
    const url = async (u: string) => (await move({ method: 'GET', url: u, headers: {} })).url;
    expect(await url('https://queue.fal.run/fal-ai/veo3.1?fal_webhook=x')).toBe(
      'http://127.0.0.1:4010/fal-ai/veo3.1?fal_webhook=x',
    );
    expect(await url('https://rest.fal.ai/storage/upload/initiate')).toBe(
      'http://127.0.0.1:4011/storage/upload/initiate',
    );
    expect(await url('https://queue.fal.run.evil.example/x')).toBe('https://queue.fal.run.evil.example/x');
  });

  it('fails a call without a usable key as an auth failure, without calling fal', async () => {
    let calls = 0;
    const gateway = createFalGateway({
      credentials: () => Promise.reject(new ConfigError('secret reelay-fal holds no fal key yet')),
      queueUrl: 'http://127.0.0.1:9',
      restUrl: 'http://127.0.0.1:9',
      fetch: (async () => {
        calls++;
        return new Response('{}');
      }) as typeof fetch,
    });
    const failure = await failureOf(gateway.submit(ENDPOINT, { prompt: 'x' }));
    expect(calls).toBe(0);
    expect(classifyFalFailure(failure)).toEqual({
      retryable: false,
      error: {
        code: 'provider_auth_failed',
        message: 'Reelay has no usable fal key: secret reelay-fal holds no fal key yet',
      },
    });
  });

  it('does not let the client resend a submit whose connection broke after sending; it may have been accepted', async () => {
    let calls = 0;
    const gateway = createFalGateway({
      credentials: async () => 'key',
      queueUrl: 'http://fal.test',
      restUrl: 'http://fal.test',
      fetch: (async () => {
        calls++;
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
        });
      }) as typeof fetch,
    });
    const failure = await failureOf(gateway.submit(ENDPOINT, { prompt: 'x' }));
    expect(calls).toBe(1);
    expect(failure).toMatchObject({ network: true, maybeAccepted: true });
    expect(classifyFalFailure(failure).retryable).toBe(true);
  });

  it('reads a model error from the result call as an outcome, not a failure', async () => {
    const body = { detail: [{ loc: ['body', 'prompt'], msg: 'flagged', type: 'content_policy_violation' }] };
    const gateway = createFalGateway({
      credentials: async () => 'key',
      queueUrl: 'http://fal.test',
      restUrl: 'http://fal.test',
      fetch: (async () => Response.json(body, { status: 422 })) as typeof fetch,
    });
    expect(await gateway.result(ENDPOINT, 'req-1')).toEqual({
      kind: 'error',
      requestId: 'req-1',
      status: 422,
      body,
    });
  });
});
