import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveVideo } from '../../../functions/core/domain/catalog/index.ts';
import { nextUtcMidnight } from '../../../functions/core/domain/limits.ts';
import type { VideoObject } from '../../../functions/core/domain/video-object.ts';
import { OTHER_KEY } from '../../support/other-tenant.ts';
import { postVideo } from '../../support/post-video.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

/** What every create below costs: seedance-1.5-pro, 4 s, its default size. */
const COST = resolveVideo({ prompt: 'x', seconds: '4' }).estimatedCostUsd;

async function count(stack: TestStack): Promise<number> {
  return ((await (await stack.api('/v1/videos?limit=100')).json()) as { data: VideoObject[] }).data.length;
}

/** The tenant's spend once it stops at `expected` (or whatever it is after 5 s, for the assertion to show). */
async function spentSettlesAt(stack: TestStack, expected: number): Promise<number> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const { spentMicros } = await stack.deps.usage.get({ tenant: 'local' });
    if (spentMicros === expected || Date.now() > deadline) return spentMicros;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Moves the service clock to `ms` past the next UTC midnight. */
function toNextDay(stack: TestStack, ms = 1_000) {
  const now = stack.deps.now();
  stack.advance(nextUtcMidnight(now) - now + ms);
}

describe('daily budget per tenant', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ env: { REELAY_DEFAULT_DAILY_BUDGET_USD: String(COST * 2) } });
  });
  afterAll(() => stack.close());

  it('a create that reaches the budget exactly is accepted; one past it is 429 with the reset time', async () => {
    await stack.createVideo({ prompt: 'one', seconds: '4' });
    await stack.createVideo({ prompt: 'two', seconds: '4' });
    const refused = await postVideo(stack, 'three');
    expect(refused.status).toBe(429);
    const now = stack.deps.now();
    const reset = nextUtcMidnight(now);
    const retryAfter = Number(refused.headers.get('retry-after'));
    // whole seconds to the next midnight UTC on the service's clock
    expect(retryAfter).toBeGreaterThanOrEqual(Math.floor((reset - now) / 1000));
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil((reset - now) / 1000) + 1);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('budget_exceeded');
    expect(body.error.message).toContain(new Date(reset).toISOString().replace('.000Z', 'Z'));
    expect(body.error.message).toContain('daily budget');
    expect(await count(stack)).toBe(2);
  });

  it('resets at the UTC day boundary, not before', async () => {
    const now = stack.deps.now();
    stack.advance(nextUtcMidnight(now) - now - 2_000);
    expect((await postVideo(stack, 'just before midnight')).status).toBe(429);
    stack.advance(3_000);
    expect((await postVideo(stack, 'just after midnight')).status).toBe(200);
  });

  it('a failed generation is not counted: its reservation is handed back', async () => {
    toNextDay(stack);
    const flagged = await stack.createVideo({
      prompt: 'refused [fal:content_policy_violation]',
      seconds: '4',
    });
    const ok = await stack.createVideo({ prompt: 'fine', seconds: '4' });
    expect((await stack.waitForJob(flagged.id, ['failed', 'completed'])).state).toBe('failed');
    // the refund follows the job's own write, within the same webhook
    expect(await spentSettlesAt(stack, Math.round(COST * 1_000_000))).toBe(Math.round(COST * 1_000_000));
    expect((await postVideo(stack, 'fits again')).status).toBe(200);
    expect((await postVideo(stack, 'now over')).status).toBe(429);
    await stack.waitForJob(ok.id, ['completed']);
  });

  it('a completed video keeps its cost, and a deleted one that never ran is refunded', async () => {
    toNextDay(stack);
    const done = await stack.createVideo({ prompt: 'kept', seconds: '4' });
    await stack.waitForJob(done.id, ['completed']);
    await stack.api(`/v1/videos/${done.id}`, { method: 'DELETE' });
    // deleting a finished video does not give its (billed) cost back
    const second = await stack.createVideo({ prompt: 'second', seconds: '4' });
    expect((await postVideo(stack, 'third')).status).toBe(429);
    await stack.waitForJob(second.id, ['completed']);
  });

  it('concurrent creates never spend past the budget', async () => {
    toNextDay(stack);
    const statuses = (
      await Promise.all(Array.from({ length: 8 }, (_, i) => postVideo(stack, `race ${i}`)))
    ).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s === 429)).toHaveLength(6);
  });
});

describe('a job cancelled before fal generated it costs nothing', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      emulator: { generationMs: 600_000 },
      env: { REELAY_DEFAULT_DAILY_BUDGET_USD: String(COST) },
    });
  });
  afterAll(() => stack.close());

  it('deleting a running video refunds it', async () => {
    const running = await stack.createVideo({ prompt: 'cancel me', seconds: '4' });
    expect((await postVideo(stack, 'over')).status).toBe(429);
    await stack.api(`/v1/videos/${running.id}`, { method: 'DELETE' });
    expect((await postVideo(stack, 'fits after the cancel')).status).toBe(200);
  });
});

describe('overall daily budget', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ env: { REELAY_DAILY_BUDGET_USD: String(COST * 2) } });
  });
  afterAll(() => stack.close());

  it('counts every tenant together and says it is the service’s budget', async () => {
    expect((await postVideo(stack, 'local')).status).toBe(200);
    expect((await postVideo(stack, 'other', { key: OTHER_KEY })).status).toBe(200);
    const refused = await postVideo(stack, 'local again');
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: 'budget_exceeded' });
    expect(body.error.message).toContain('overall daily budget');
    // the tenant's own window was handed back: only the overall one is full
    const pool = await stack.deps.usage.get({ tenant: 'local' });
    expect(pool.spentMicros).toBe(Math.round(COST * 1_000_000));
  });
});
