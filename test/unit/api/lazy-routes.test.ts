import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  inheritVariables,
  lazyRoutes,
  onFirstUse,
  rethrowErrors,
} from '../../../functions/api/lazy-routes.ts';

type Env = { Variables: { tenant: string } };

/** An app as createApiApp composes one: middleware that sets a variable, then a group built on first use. */
function appWith(load: () => Promise<Hono<Env>>) {
  const seen: Array<{ error: string | undefined }> = [];
  const app = new Hono<Env>();
  app.onError((error, c) => c.json({ error: { code: 'app_error', message: error.message } }, 418));
  app.use('/v1/*', async (c, next) => {
    c.set('tenant', c.req.header('x-tenant') ?? 'none');
    c.header('X-Before', 'set before the group');
    await next();
    // what the rate limit reads after the route ran
    seen.push({ error: c.error?.message });
    c.res.headers.set('X-After', 'set after the group');
  });
  app.all('/v1/*', lazyRoutes(onFirstUse(load)));
  return { app, seen };
}

function group() {
  const routes = new Hono<Env>();
  routes.onError(rethrowErrors);
  routes.notFound((c) => c.json({ error: { code: 'not_found', message: c.req.path } }, 404));
  routes.use('*', inheritVariables());
  routes.get('/v1/whoami', (c) => c.json({ tenant: c.get('tenant') }));
  routes.post('/v1/echo', async (c) => c.json(await c.req.json(), 201));
  routes.get('/v1/fails', () => {
    throw new Error('the route failed');
  });
  return routes;
}

describe('lazyRoutes', () => {
  it('builds the group on its first request, once, however many requests arrive together', async () => {
    let builds = 0;
    const { app } = appWith(async () => {
      builds++;
      return group();
    });
    expect(builds).toBe(0);
    const answers = await Promise.all(
      ['a', 'b', 'c'].map((tenant) => app.request('/v1/whoami', { headers: { 'x-tenant': tenant } })),
    );
    expect(builds).toBe(1);
    expect(await Promise.all(answers.map((answer) => answer.json()))).toEqual([
      { tenant: 'a' },
      { tenant: 'b' },
      { tenant: 'c' },
    ]);
    await app.request('/v1/whoami');
    expect(builds).toBe(1);
  });

  it("answers with the group's status and body, and the app's headers from before and after it", async () => {
    const { app } = appWith(async () => group());
    const answer = await app.request('/v1/echo', { method: 'POST', body: JSON.stringify({ n: 1 }) });
    expect(answer.status).toBe(201);
    expect(await answer.json()).toEqual({ n: 1 });
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.headers.get('x-before')).toBe('set before the group');
    expect(answer.headers.get('x-after')).toBe('set after the group');
  });

  it("hands the group's errors to the app's error handler, and the app's middleware sees them", async () => {
    const { app, seen } = appWith(async () => group());
    const answer = await app.request('/v1/fails');
    expect(answer.status).toBe(418);
    expect(await answer.json()).toEqual({ error: { code: 'app_error', message: 'the route failed' } });
    expect(seen).toEqual([{ error: 'the route failed' }]);
  });

  it("answers a path the group does not serve with the group's not-found answer", async () => {
    const { app } = appWith(async () => group());
    const answer = await app.request('/v1/nothing-here');
    expect(answer.status).toBe(404);
    expect(await answer.json()).toEqual({ error: { code: 'not_found', message: '/v1/nothing-here' } });
  });

  it('tries a failed build again on the next request instead of remembering the failure', async () => {
    let builds = 0;
    const { app } = appWith(async () => {
      builds++;
      if (builds === 1) throw new Error('chunk missing');
      return group();
    });
    const first = await app.request('/v1/whoami', { headers: { 'x-tenant': 't' } });
    expect(first.status).toBe(418);
    expect(await first.json()).toEqual({ error: { code: 'app_error', message: 'chunk missing' } });
    const second = await app.request('/v1/whoami', { headers: { 'x-tenant': 't' } });
    expect(await second.json()).toEqual({ tenant: 't' });
    expect(builds).toBe(2);
  });
});
