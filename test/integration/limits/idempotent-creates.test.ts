import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveVideo } from '../../../functions/core/domain/catalog/index.ts';
import { postVideo } from '../../support/post-video.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

const COST_MICROS = Math.round(resolveVideo({ prompt: 'x', seconds: '4' }).estimatedCostUsd * 1_000_000);

describe('Idempotency-Key and limits: a repeated create is admitted and charged once', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ emulator: { generationMs: 600_000 } });
  });
  afterAll(() => stack.close());

  it('a replay takes no second slot and no second reservation', async () => {
    const first = await postVideo(stack, 'once', { idempotencyKey: 'key-sequential' });
    const again = await postVideo(stack, 'once', { idempotencyKey: 'key-sequential' });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const [a, b] = [(await first.json()) as { id: string }, (await again.json()) as { id: string }];
    expect(b.id).toBe(a.id);
    const pool = await stack.deps.usage.get({ tenant: 'local' });
    expect(Object.keys(pool.active)).toEqual([a.id]);
    expect(pool.spentMicros).toBe(COST_MICROS);
  });

  it('concurrent duplicates leave one slot and one reservation', async () => {
    const before = (await stack.deps.usage.get({ tenant: 'local' })).spentMicros;
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => postVideo(stack, 'at once', { idempotencyKey: 'key-concurrent' })),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const ids = new Set(
      await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id)),
    );
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    const pool = await stack.deps.usage.get({ tenant: 'local' });
    expect(Object.keys(pool.active)).toContain(id);
    expect(Object.keys(pool.active)).toHaveLength(2);
    expect(pool.spentMicros - before).toBe(COST_MICROS);
    expect((await stack.job(id as string)).state).toBe('submitted');
  });
});
