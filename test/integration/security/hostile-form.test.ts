import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FORM_FIELDS } from '../../../functions/api/form-fields.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

/** Just under the 1 MB body cap: about 150,000 distinct names (the red team's 80,000 took 23.7 s). */
function hostileUrlencoded(): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < 1024 * 1024 - 16; i++) {
    const part = `f${i}=`;
    parts.push(part);
    length += part.length + 1;
  }
  return parts.join('&');
}

function hostileMultipart(boundary: string, fields: number): string {
  const parts = Array.from(
    { length: fields },
    (_, i) => `--${boundary}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\n\r\n`,
  );
  return `${parts.join('')}--${boundary}--\r\n`;
}

describe('a form with a hostile number of fields', () => {
  it('is refused without parsing, while a health check sent meanwhile is served', async () => {
    // a bound far above the fix's cost and far below the old code's (minutes for this body)
    const signal = AbortSignal.timeout(10_000);
    const hostile = stack.api('/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: hostileUrlencoded(),
      signal,
    });
    const health = stack.api('/healthz', { key: null, signal });
    const [refused, healthy] = await Promise.all([hostile, health]);
    expect(healthy.status).toBe(200);
    expect(refused.status).toBe(400);
    expect((await refused.json()).error).toMatchObject({ code: 'too_many_fields' });
    expect(await stack.deps.jobs.listByTenant('default', { limit: 1, order: 'asc' })).toEqual({
      jobs: [],
      hasMore: false,
    });
  });

  it('refuses a multipart body of many parts the same way', async () => {
    const boundary = 'XyZ-boundary';
    const response = await stack.api('/v1/videos', {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: hostileMultipart(boundary, 200_000),
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'too_many_fields' });
  });

  it('refuses a JSON body of thousands of fields, or of metadata keys, with a short answer', async () => {
    const wide = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`f${i}`, '']));
    const fields = await stack.api('/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a fox', ...wide }),
    });
    expect(fields.status).toBe(400);
    const text = await fields.text();
    expect(JSON.parse(text).error).toMatchObject({ code: 'too_many_fields' });
    expect(text.length).toBeLessThan(500);
    const metadata = await stack.api('/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a fox', metadata: wide }),
    });
    expect(metadata.status).toBe(400);
    expect((await metadata.json()).error).toMatchObject({ param: 'metadata' });
  });

  it('still reads a form at the limit, with a case-sensitive boundary', async () => {
    const boundary = 'MixedCaseBoundary';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\na fox\r\n${hostileMultipart(
      boundary,
      MAX_FORM_FIELDS - 1,
    )}`;
    const response = await stack.api('/v1/videos', {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    // read and judged field by field: the first unknown field is named
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'invalid_request', param: 'f0' });
  });
});
