import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '../../functions/api/app.ts';
import { issueApiKey } from '../../functions/core/accounts/issue-key.ts';
import { buildDeps } from '../../functions/core/wiring.ts';
import { type AwsCall, recordingClients } from '../support/aws-calls.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

/** What a poll costs in DynamoDB (docs/limits.md, "What a poll costs"): one read, no write. */
describe('polling a video', () => {
  let stack: TestStack;
  let videoId: string;
  beforeAll(async () => {
    stack = await startTestStack();
    videoId = (await stack.createVideo({ prompt: 'a fox in snow', seconds: '4' })).id;
    await stack.waitForEnd(videoId);
  });
  afterAll(() => stack.close());

  /** A fresh API instance (as a new Lambda container) whose AWS calls are recorded. */
  const instance = () => {
    const calls: AwsCall[] = [];
    const app = createApiApp(
      buildDeps(
        stack.deps.config,
        { now: stack.deps.now },
        recordingClients(stack.deps.config, (call) => calls.push(call)),
      ),
    );
    const request = (path: string, key: string, init: RequestInit = {}) =>
      app.request(path, { ...init, headers: { ...init.headers, authorization: `Bearer ${key}` } });
    return { calls, request };
  };
  const jobsTable = () => `table/${stack.deps.config.jobsTable}`;
  const accountsTable = () => `table/${stack.deps.config.accountsTable}`;

  it('costs one read of the jobs table and no write, once the key and tenant are cached', async () => {
    const { calls, request } = instance();
    // the first request of a container looks up the key and the tenant (cached after)
    expect((await request(`/v1/videos/${videoId}`, stack.apiKey)).status).toBe(200);
    calls.length = 0;
    const remaining: number[] = [];
    for (let i = 0; i < 10; i++) {
      const poll = await request(`/v1/videos/${videoId}`, stack.apiKey);
      expect(poll.status).toBe(200);
      expect((await poll.json()).status).toBe('completed');
      remaining.push(Number(poll.headers.get('ratelimit-remaining')));
    }
    expect(calls).toEqual(
      Array.from({ length: 10 }, () => ({ action: 'dynamodb:GetItem', resource: jobsTable() })),
    );
    // still counted, in the instance's memory: each poll used one of the key's requests
    expect(remaining).toEqual(Array.from({ length: 10 }, (_, i) => (remaining[0] ?? 0) - i));
  });

  it('a write is still counted in the accounts table, so writes hold across instances; a create only in the tenant’s create count', async () => {
    const { calls, request } = instance();
    expect((await request(`/v1/videos/${videoId}`, stack.apiKey)).status).toBe(200);
    calls.length = 0;
    const absent = 'video_019f6af7308800000000000000000000';
    expect((await request(`/v1/videos/${absent}`, stack.apiKey, { method: 'DELETE' })).status).toBe(404);
    const counted = { action: 'dynamodb:UpdateItem', resource: accountsTable() };
    // the key's shared count
    expect(calls.filter((call) => call.action === 'dynamodb:UpdateItem')).toEqual([counted]);
    calls.length = 0;
    const typo = await request('/v1/videos', stack.apiKey, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a fox', secnds: '4' }),
    });
    expect(typo.status).toBe(400);
    // the tenant's create count, and the create given back (invalid input): no shared count of the key
    expect(calls).toEqual([counted, counted]);
  });

  it('a key over its limit in an instance is refused there with no write; another instance counts its own reads', async () => {
    stack.advance(60_000 - (stack.deps.now() % 60_000) + 1_000);
    await stack.deps.tenants.setLimits('poller', { requestsPerMinute: 3 });
    const key = (
      await issueApiKey(stack.deps.keys, { tenant: 'poller', name: 'test', now: stack.deps.now() })
    ).key;
    const first = instance();
    for (let i = 0; i < 3; i++) expect((await first.request(`/v1/videos/${videoId}`, key)).status).toBe(404);
    first.calls.length = 0;
    const refused = await first.request(`/v1/videos/${videoId}`, key);
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.code).toBe('rate_limit_exceeded');
    expect(refused.headers.get('retry-after')).toBe('59');
    expect(first.calls).toEqual([]);
    // the trade-off docs/limits.md names: reads are limited per warm instance, not across them
    const second = instance();
    expect((await second.request(`/v1/videos/${videoId}`, key)).status).toBe(404);
    // a write from the first instance is refused by its own count before it reaches the table
    const write = await first.request('/v1/videos', key, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a fox', seconds: '4' }),
    });
    expect(write.status).toBe(429);
    expect(first.calls.filter((call) => call.action !== 'dynamodb:GetItem')).toEqual([]);
  });
});
