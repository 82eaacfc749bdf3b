import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiApp } from '../../functions/api/app.ts';
import { issueApiKey } from '../../functions/core/accounts/issue-key.ts';
import { buildDeps } from '../../functions/core/wiring.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';
import { waitFor } from '../support/wait-for.ts';

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('tenants, keys and rate limits over HTTP', () => {
  let stack: TestStack;
  let clock = 0;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.close());
  /** Moves the service clock to 1 s into a fresh minute window, so a test never straddles two. */
  beforeEach(() => {
    const now = stack.deps.now();
    stack.advance(60_000 - (now % 60_000) + 1_000);
    clock = stack.deps.now();
  });

  const newKey = async (tenant: string) =>
    (await issueApiKey(stack.deps.keys, { tenant, name: 'test', now: stack.deps.now() })).key;

  it('the dev key is an issued key of tenant local, listed in the table', async () => {
    const keys = await stack.deps.keys.list('local');
    expect(keys).toHaveLength(1);
    expect(keys[0]?.name).toBe('dev');
    expect(stack.apiKey).toMatch(/^rly_/);
  });

  it('an issued key works at once, and a revoked key stops working within the cache time', async () => {
    const key = await newKey('revokee');
    expect((await stack.api('/v1/models', { key })).status).toBe(200);
    const [record] = await stack.deps.keys.list('revokee');
    await stack.deps.keys.revoke(record?.keyId ?? '', stack.deps.now());
    // still cached: the documented window
    expect((await stack.api('/v1/models', { key })).status).toBe(200);
    stack.advance(30_000);
    const refused = await stack.api('/v1/models', { key });
    expect(refused.status).toBe(401);
    expect((await refused.json()).error.code).toBe('invalid_api_key');
  });

  it('records a key’s last use', async () => {
    const key = await newKey('user');
    await stack.api('/v1/models', { key });
    const lastUsedAt = await waitFor(
      async () => (await stack.deps.keys.list('user'))[0]?.lastUsedAt,
      5_000,
      'the last use to be recorded',
    );
    expect(lastUsedAt).toBeGreaterThanOrEqual(clock);
    expect(lastUsedAt).toBeLessThanOrEqual(stack.deps.now());
  });

  it('requests per minute per key: the limit-th request passes, the next is a 429 with Retry-After', async () => {
    await stack.deps.tenants.setLimits('rpm', { requestsPerMinute: 3 });
    const key = await newKey('rpm');
    for (let i = 1; i <= 3; i++) {
      const ok = await stack.api('/v1/models', { key });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-limit')).toBe('3');
      expect(ok.headers.get('ratelimit-remaining')).toBe(String(3 - i));
      expect(ok.headers.get('ratelimit-reset')).toBe('59');
    }
    const refused = await stack.api('/v1/videos', { key });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('59');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(await refused.json()).toEqual({
      error: {
        code: 'rate_limit_exceeded',
        message: expect.stringContaining('3 requests per minute'),
        param: null,
        type: 'invalid_request_error',
      },
    });
    // an error answer counts, and carries the headers too
    await stack.deps.tenants.setLimits('rpm404', { requestsPerMinute: 2 });
    const other = await newKey('rpm404');
    const missing = await stack.api('/v1/videos/video_019f6af7308800000000000000000000', { key: other });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('ratelimit-remaining')).toBe('1');
    // a second key of the same tenant has its own count
    expect((await stack.api('/v1/models', { key: await newKey('rpm') })).status).toBe(200);
    // the next window starts afresh
    stack.advance(59_000);
    const next = await stack.api('/v1/models', { key });
    expect(next.status).toBe(200);
    expect(next.headers.get('ratelimit-remaining')).toBe('2');
  });

  it('creates per minute per tenant: shared by the tenant’s keys, counted across function instances', async () => {
    await stack.deps.tenants.setLimits('cpm', { createsPerMinute: 2 });
    const [first, second] = [await newKey('cpm'), await newKey('cpm')];
    const body = json({ prompt: 'a fox', seconds: '4' });
    const a = await stack.api('/v1/videos', { ...body, key: first });
    expect(a.status).toBe(200);
    expect(a.headers.get('ratelimit-limit')).toBe('2');
    expect(a.headers.get('ratelimit-remaining')).toBe('1');
    // another "Lambda instance": its own app and caches over the same tables
    const other = createApiApp(buildDeps(stack.deps.config, { now: stack.deps.now }));
    const b = await other.request('/v1/videos', {
      ...body,
      headers: { ...body.headers, authorization: `Bearer ${second}` },
    });
    expect(b.status).toBe(200);
    expect(b.headers.get('ratelimit-remaining')).toBe('0');
    const c = await stack.api('/v1/videos', { ...body, key: first });
    expect(c.status).toBe(429);
    expect((await c.json()).error.message).toContain('2 video creates per minute');
    expect(Number(c.headers.get('retry-after'))).toBeGreaterThan(0);
    // reads are not creates
    expect((await stack.api('/v1/videos', { key: first })).status).toBe(200);
  });

  it('isolates two tenants on every route: 404s, lists, forged cursors, and nothing changed', async () => {
    const [a, b] = [await newKey('iso-a'), await newKey('iso-b')];
    const create = async (key: string, prompt: string) => {
      const response = await stack.api('/v1/videos', { ...json({ prompt, seconds: '4' }), key });
      expect(response.status).toBe(200);
      return (await response.json()).id as string;
    };
    const aIds = [await create(a, 'a one'), await create(a, 'a two'), await create(a, 'a three')];
    const bIds = [await create(b, 'b one'), await create(b, 'b two')];
    for (const id of [...aIds, ...bIds]) expect((await stack.waitForEnd(id)).state).toBe('completed');
    const before = await Promise.all(aIds.map((id) => stack.job(id)));
    const absent = 'video_019f6af7308800000000000000000000';

    const errorOf = async (response: Response) => ({
      status: response.status,
      code: (await response.json()).error.code,
    });
    for (const id of [...aIds, absent]) {
      for (const [path, method] of [
        [`/v1/videos/${id}`, 'GET'],
        [`/v1/videos/${id}/content`, 'GET'],
        [`/v1/videos/${id}`, 'DELETE'],
      ] as const) {
        // another tenant's video answers exactly like one that does not exist
        expect(await errorOf(await stack.api(path, { method, key: b })), `${method} ${path}`).toEqual({
          status: 404,
          code: 'not_found',
        });
      }
    }

    const list = async (key: string, query: string) => {
      const response = await stack.api(`/v1/videos?${query}`, { key });
      expect(response.status).toBe(200);
      return ((await response.json()).data as Array<{ id: string }>).map((video) => video.id);
    };
    expect(await list(b, 'limit=100')).toEqual([...bIds].reverse());
    expect(await list(a, 'limit=100')).toEqual([...aIds].reverse());
    // a cursor is only a position: another tenant's id (or any id) never opens that tenant's videos
    for (const after of [...aIds, absent]) {
      for (const order of ['asc', 'desc']) {
        const ids = await list(b, `after=${after}&order=${order}&limit=100`);
        expect(
          ids.every((id) => bIds.includes(id)),
          `after=${after} order=${order}`,
        ).toBe(true);
      }
    }
    expect(await Promise.all(aIds.map((id) => stack.job(id)))).toEqual(before);
    // and the owner still reaches everything
    expect((await stack.api(`/v1/videos/${aIds[0]}/content`, { key: a })).status).toBe(302);
    expect((await stack.api(`/v1/videos/${aIds[0]}`, { method: 'DELETE', key: a })).status).toBe(200);
  });
});
