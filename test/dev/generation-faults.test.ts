import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { GenerationErrorName } from '../../dev/fal-emulator/faults/schema.ts';
import { falFetch, submitOk } from '../support/fal-calls.ts';
import { SEEDANCE_T2V, useTestEmulator } from '../support/fal-emulator.ts';
import { type Receiver, startReceiver, verifyDelivery } from '../support/webhook-receiver.ts';

const FIXTURES = '/work/shared/fixtures/fal-webhooks';
const FIXTURE_ID = '019f6af7-3088-7f03-b97d-84fec4a3ce12';

interface Expected {
  status: number;
  headers: Record<string, string>;
  webhookError: string;
  body: (prompt: string) => unknown;
}

const listItem = (type: string, loc: string[], extra: Record<string, unknown> = {}) => ({
  detail: [
    expect.objectContaining({
      loc,
      type,
      msg: expect.any(String),
      url: `https://docs.fal.ai/errors/#${type}`,
      ...extra,
    }),
  ],
});

const EXPECTED: Record<GenerationErrorName, Expected> = {
  content_policy_violation: {
    status: 422,
    headers: { 'x-fal-retryable': 'false' },
    webhookError: 'Invalid status code: 422',
    body: (prompt) => listItem('content_policy_violation', ['body', 'prompt'], { input: prompt }),
  },
  validation: {
    status: 422,
    headers: {},
    webhookError: 'Unexpected status code: 422',
    body: () => ({
      detail: [{ loc: ['body', 'prompt'], msg: 'field required', type: 'value_error.missing' }],
    }),
  },
  request_timeout: {
    status: 504,
    headers: { 'x-fal-error-type': 'request_timeout' },
    webhookError: 'Invalid status code: 504',
    body: () => ({ detail: 'Request timed out', error_type: 'request_timeout' }),
  },
  generation_timeout: {
    status: 504,
    headers: { 'x-fal-retryable': 'true' },
    webhookError: 'Invalid status code: 504',
    body: () => listItem('generation_timeout', ['body']),
  },
  internal_server_error: {
    status: 500,
    headers: { 'x-fal-retryable': 'true' },
    webhookError: 'Invalid status code: 500',
    body: () => listItem('internal_server_error', ['body']),
  },
  downstream_service_unavailable: {
    status: 500,
    headers: { 'x-fal-retryable': 'true' },
    webhookError: 'Invalid status code: 500',
    body: () => listItem('downstream_service_unavailable', ['body']),
  },
  runner_disconnected: {
    status: 503,
    headers: { 'x-fal-error-type': 'runner_disconnected' },
    webhookError: 'Invalid status code: 503',
    body: () => ({ detail: 'Runner disconnected', error_type: 'runner_disconnected' }),
  },
  image_load_error: {
    status: 422,
    headers: { 'x-fal-retryable': 'false' },
    webhookError: 'Invalid status code: 422',
    body: () => listItem('image_load_error', ['body', 'image_url']),
  },
};

function fixtureFor(name: string, requestId: string): string {
  return readFileSync(`${FIXTURES}/${name}`, 'utf8').replaceAll(FIXTURE_ID, requestId);
}

describe('generation faults', () => {
  const emulator = useTestEmulator();
  let receiver: Receiver;
  afterEach(() => receiver?.close());

  it.each(Object.keys(EXPECTED) as GenerationErrorName[])('%s answers like fal', async (error) => {
    const expected = EXPECTED[error];
    receiver = await startReceiver();
    emulator.injectFault({ on: 'generation', error });
    const prompt = 'a prompt with ünïcode';
    const submitted = await submitOk(emulator, SEEDANCE_T2V, { prompt }, receiver.url);
    const [delivery] = await receiver.waitFor(1);
    if (!delivery) throw new Error('no delivery');
    expect(await verifyDelivery(delivery, emulator.jwksUrl)).toBe(true);

    const status = await falFetch(submitted.status_url);
    expect(status.status).toBe(200);
    expect(((await status.json()) as { status: string }).status).toBe('COMPLETED');

    const result = await falFetch(submitted.response_url);
    expect(result.status).toBe(expected.status);
    for (const [name, value] of Object.entries(expected.headers))
      expect(result.headers.get(name)).toBe(value);
    if (!expected.headers['x-fal-retryable']) expect(result.headers.get('x-fal-retryable')).toBeNull();
    const body: unknown = await result.json();
    expect(body).toEqual(expected.body(prompt));

    const webhook = JSON.parse(delivery.body.toString('utf8')) as Record<string, unknown>;
    expect(webhook).toEqual({
      error: expected.webhookError,
      gateway_request_id: submitted.request_id,
      payload: body,
      request_id: submitted.request_id,
      status: 'ERROR',
    });
    // ensure_ascii on the wire: the prompt echoed by content_policy_violation is escaped.
    if (error === 'content_policy_violation')
      expect(delivery.body.toString()).toContain('\\u00fcn\\u00efcode');
  });

  it.each([
    ['content_policy_violation', 'error-content-policy.json'],
    ['validation', 'error-validation.json'],
    ['request_timeout', 'error-timeout.json'],
  ] as const)('%s webhook equals the %s fixture byte for byte', async (error, fixture) => {
    receiver = await startReceiver();
    emulator.injectFault({ on: 'generation', error });
    const { request_id } = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'a prompt' }, receiver.url);
    const [delivery] = await receiver.waitFor(1);
    expect(delivery?.body.toString('utf8')).toBe(fixtureFor(fixture, request_id));
  });

  it('payloadError sends an OK webhook without payload, and the result still works', async () => {
    receiver = await startReceiver();
    emulator.injectFault({ on: 'generation', payloadError: true });
    const submitted = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'big output' }, receiver.url);
    const [delivery] = await receiver.waitFor(1);
    expect(delivery?.body.toString('utf8')).toBe(fixtureFor('ok-payload-error.json', submitted.request_id));
    const result = await falFetch(submitted.response_url);
    expect(result.status).toBe(200);
    expect(((await result.json()) as { video: { url: string } }).video.url).toBe(
      emulator.request(submitted.request_id)?.videoUrl,
    );
  });

  it('applies a fault only to requests it matches, `times` times', async () => {
    emulator.injectFault({
      on: 'generation',
      error: 'internal_server_error',
      times: 2,
      match: { promptIncludes: 'B' },
    });
    const a = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'A' });
    const b1 = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'B1' });
    const b2 = await submitOk(emulator, 'fal-ai/veo3.1', { prompt: 'B2' });
    const b3 = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'B3' });
    const outcomes = [a, b1, b2, b3].map((s) => emulator.request(s.request_id)?.faults.generation);
    expect(outcomes).toEqual([null, 'internal_server_error', 'internal_server_error', null]);
  });
});
