import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '../../../functions/api/app.ts';
import { v1Routes } from '../../../functions/api/v1-routes.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

/** Routes that are pages or the document itself, not API operations. */
// GET /v1/events answers only a client that did not upgrade (426): the stream itself is a WebSocket
const NOT_OPERATIONS = new Set(['/', '/docs', '/assets/*', '/openapi.json', '/v1/events']);

interface Operation {
  responses: Record<string, { headers?: Record<string, unknown> }>;
}

let stack: TestStack;
let doc: { info: { description: string }; paths: Record<string, Record<string, Operation>> };
beforeAll(async () => {
  stack = await startTestStack();
  doc = await (await stack.api('/openapi.json', { key: null })).json();
});
afterAll(() => stack.close());

describe('the OpenAPI document behind /docs', () => {
  it('describes every route the app serves', () => {
    // the app serves /v1 through the routes it builds on first use: both tables together
    const served = [...createApiApp(stack.deps).routes, ...v1Routes(stack.deps).routes]
      .filter((route) => route.method !== 'ALL' && !NOT_OPERATIONS.has(route.path))
      .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(served.length).toBeGreaterThanOrEqual(7);
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect([...new Set(served)].sort()).toEqual(documented.sort());
  });

  it('gives every /v1 answer its RateLimit-* headers and every 429 its Retry-After', () => {
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([, item]) => Object.values(item));
    expect(operations.length).toBeGreaterThanOrEqual(6);
    for (const operation of operations) {
      const ok = Object.entries(operation.responses).find(([status]) => status.startsWith('2'))?.[1];
      expect(Object.keys(ok?.headers ?? {})).toEqual(
        expect.arrayContaining(['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']),
      );
      const limited = operation.responses['429'];
      if (limited) expect(Object.keys(limited.headers ?? {})).toContain('Retry-After');
    }
  });

  it('opens with examples for curl, the openai SDK and fetch, and the headers to know', () => {
    const guide = doc.info.description;
    for (const needle of [
      'curl -s',
      "import OpenAI from 'openai'",
      'await fetch(',
      'Idempotency-Key',
      'RateLimit-Remaining',
      'Retry-After',
    ]) {
      expect(guide).toContain(needle);
    }
  });
});
