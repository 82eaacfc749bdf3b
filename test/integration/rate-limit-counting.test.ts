import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_TENANT_LIMITS } from '../../dev/local-config.ts';
import { issueApiKey } from '../../functions/core/accounts/issue-key.ts';
import { effectiveLimits } from '../../functions/core/domain/tenant.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

const post = (body: string, contentType = 'application/json') => ({
  method: 'POST',
  headers: { 'content-type': contentType },
  body,
});
const valid = () => post(JSON.stringify({ prompt: 'a fox in snow', seconds: '4' }));

/** What counts against which limit (docs/limits.md), with production's default limits. */
describe('what counts against the rate limits', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      env: {
        REELAY_DEFAULT_REQUESTS_PER_MINUTE: '60',
        REELAY_DEFAULT_CREATES_PER_MINUTE: '10',
        REELAY_PROMPT_BLOCKLIST: 'forbiddenword',
      },
    });
  });
  afterAll(() => stack.close());
  // 1 s into a fresh minute window, so a test never straddles two
  beforeEach(() => stack.advance(60_000 - (stack.deps.now() % 60_000) + 1_000));

  const newKey = async (tenant: string) =>
    (await issueApiKey(stack.deps.keys, { tenant, name: 'test', now: stack.deps.now() })).key;
  const remaining = (response: Response) => Number(response.headers.get('ratelimit-remaining'));

  it('a create refused by the tenant’s create limit does not use the key’s request quota', async () => {
    await stack.deps.tenants.setLimits('l5', { requestsPerMinute: 6, createsPerMinute: 1 });
    const key = await newKey('l5');
    expect((await stack.api('/v1/videos', { ...valid(), key })).status).toBe(200);
    for (let i = 0; i < 4; i++) {
      const refused = await stack.api('/v1/videos', { ...valid(), key });
      expect(refused.status).toBe(429);
      expect((await refused.json()).error.message).toContain('1 video creates per minute');
    }
    // one request of the key's 6 used by the create that passed, the next read is the second
    const read = await stack.api('/v1/models', { key });
    expect(read.status).toBe(200);
    expect(read.headers.get('ratelimit-limit')).toBe('6');
    expect(remaining(read)).toBe(4);
  });

  it('a create refused as invalid before any spend (400, 413, 415) does not count against creates per minute', async () => {
    await stack.deps.tenants.setLimits('typos', { requestsPerMinute: 20, createsPerMinute: 2 });
    const key = await newKey('typos');
    const invalid: Array<[RequestInit, number, string]> = [
      [post(JSON.stringify({ prompt: 'a fox', secnds: '4' })), 400, 'invalid_request'],
      [post(JSON.stringify({ prompt: 'a fox', seconds: '7', model: 'sora-2' })), 400, 'invalid_request'],
      [post('{"prompt": "a fox",'), 400, 'invalid_json'],
      [post(JSON.stringify({ prompt: 'x'.repeat(1_100_000) })), 413, 'request_too_large'],
      [post('prompt=a+fox', 'text/plain'), 415, 'unsupported_media_type'],
    ];
    for (const [init, status, code] of invalid) {
      const response = await stack.api('/v1/videos', { ...init, key });
      expect(response.status).toBe(status);
      expect((await response.json()).error.code).toBe(code);
      // the tightest limit shown is the untouched create limit
      expect(remaining(response)).toBe(2);
    }
    expect((await stack.api('/v1/videos', { ...valid(), key })).status).toBe(200);
    const second = await stack.api('/v1/videos', { ...valid(), key });
    expect(second.status).toBe(200);
    expect(remaining(second)).toBe(0);
    expect((await stack.api('/v1/videos', { ...valid(), key })).status).toBe(429);
    // every one of them, invalid or refused, was a request of the key except the 429: 5 + 2
    const read = await stack.api('/v1/models', { key });
    expect(remaining(read)).toBe(20 - 8);
  });

  it('a prompt refused by the content policy still counts (a policy probe is paced like a create)', async () => {
    await stack.deps.tenants.setLimits('probe', { createsPerMinute: 2 });
    const key = await newKey('probe');
    const rejected = await stack.api('/v1/videos', {
      ...post(JSON.stringify({ prompt: 'a forbiddenword fox', seconds: '4' })),
      key,
    });
    expect(rejected.status).toBe(400);
    expect((await rejected.json()).error.code).toBe('prompt_rejected');
    expect(remaining(rejected)).toBe(1);
  });

  it('the local dev tenant has generous rate limits; other tenants keep the defaults', async () => {
    const local = effectiveLimits(stack.deps.config.tenantDefaults, await stack.deps.tenants.get('local'));
    expect(local).toMatchObject(LOCAL_TENANT_LIMITS);
    expect(local.createsPerMinute).toBeGreaterThanOrEqual(100);
    expect(
      effectiveLimits(stack.deps.config.tenantDefaults, await stack.deps.tenants.get('acme')),
    ).toMatchObject({ requestsPerMinute: 60, createsPerMinute: 10 });
    // eleven creates in a minute with the dev key: the default (10) would refuse the eleventh
    for (let i = 0; i < 11; i++) expect((await stack.api('/v1/videos', valid())).status).toBe(200);
  });
});

describe('the local tenant’s own overrides', () => {
  it('survive a restart: the generous limits fill only what the operator did not set', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'reelay-local-limits-'));
    try {
      const first = await startTestStack({ dataDir, inMemory: false });
      await first.deps.tenants.setLimits('local', { createsPerMinute: 5 });
      await first.close();
      const second = await startTestStack({ dataDir, inMemory: false });
      try {
        expect((await second.deps.tenants.get('local'))?.limits).toEqual({
          createsPerMinute: 5,
          requestsPerMinute: LOCAL_TENANT_LIMITS.requestsPerMinute,
        });
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
