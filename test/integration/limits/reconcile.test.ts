import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markFailed } from '../../../functions/core/domain/transitions.ts';
import type { VideoObject } from '../../../functions/core/domain/video-object.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

const submits = (stack: TestStack) => stack.emulator?.stats().submits ?? 0;
const activeIds = async (stack: TestStack) =>
  Object.keys((await stack.deps.usage.get({ tenant: 'local' })).active);

describe('the reconciler: caps respected, crashed holders repaired', () => {
  let stack: TestStack;
  let holder: VideoObject;
  let waiting: VideoObject;
  let behind: VideoObject;
  beforeAll(async () => {
    stack = await startTestStack({
      emulator: { generationMs: 600_000 },
      env: { REELAY_DEFAULT_MAX_ACTIVE_JOBS: '1', REELAY_MAX_JOB_AGE_SECONDS: '7200' },
    });
    holder = await stack.createVideo({ prompt: 'holder', seconds: '4' });
    waiting = await stack.createVideo({ prompt: 'waiting', seconds: '4' });
  });
  afterAll(() => stack.close());

  it('does not submit a waiting job while the tenant is at its cap', async () => {
    expect(waiting).toMatchObject({ status: 'queued', queue_position: 1 });
    stack.advance(5 * 60_000);
    await stack.reconcile();
    expect((await stack.job(waiting.id)).state).toBe('queued');
    expect(submits(stack)).toBe(1);
  });

  it('gives back a slot whose holder ended without releasing it, once it is older than a submit lease', async () => {
    // a process that recorded the end and died before giving the slot back
    const job = await stack.job(holder.id);
    expect(
      await stack.deps.jobs.save(markFailed(job, { code: 'timeout', message: 'crash' }, stack.deps.now())),
    ).toBe(true);
    expect(await activeIds(stack)).toEqual([holder.id]);
    // the slot was taken more than a lease ago (the clock moved 5 minutes): repaired on this pass
    await stack.reconcile();
    expect(await activeIds(stack)).toEqual([waiting.id]);
    expect(Object.keys((await stack.deps.usage.get('global')).active)).toEqual([waiting.id]);
    expect((await stack.job(waiting.id)).state).toBe('submitted');
    expect(submits(stack)).toBe(2);
  });

  it('leaves a slot taken moments ago alone: its taker may be between its two writes', async () => {
    const now = stack.deps.now();
    await stack.deps.usage.takeSlot('global', 'video_in_flight', now, 50);
    await stack.reconcile();
    expect(Object.keys((await stack.deps.usage.get('global')).active)).toContain('video_in_flight');
    stack.advance(2 * 60_000);
    await stack.reconcile();
    expect(Object.keys((await stack.deps.usage.get('global')).active)).not.toContain('video_in_flight');
  });

  it('drops a queue entry whose creator died when it reaches the head (it counts until then)', async () => {
    const now = stack.deps.now();
    // enqueued, then the creator died before recording the job
    await stack.deps.usage.enqueue({ tenant: 'local' }, 'video_never_recorded', now - 120_000, 100);
    behind = await stack.createVideo({ prompt: 'behind an orphan', seconds: '4' });
    expect(behind.queue_position).toBe(2);
    await stack.api(`/v1/videos/${waiting.id}`, { method: 'DELETE' });
    expect((await stack.job(behind.id)).state).toBe('submitted');
    expect(Object.keys((await stack.deps.usage.get({ tenant: 'local' })).waiting)).toEqual([]);
  });

  it('fails a job that waited past the maximum age, and frees its place and its budget', async () => {
    const late = await stack.createVideo({ prompt: 'waits too long', seconds: '4' });
    expect(late.status).toBe('queued');
    const spent = (await stack.deps.usage.get({ tenant: 'local' })).spentMicros;
    stack.advance(7_201_000);
    await stack.reconcile();
    const job = await stack.job(late.id);
    expect(job).toMatchObject({ state: 'failed', error: { code: 'timeout' } });
    const pool = await stack.deps.usage.get({ tenant: 'local' });
    expect(pool.waiting).toEqual({});
    // both it and the job running since are past the age limit: neither was generated, so both are refunded
    const running = await stack.job(behind.id);
    expect(running).toMatchObject({ state: 'failed', error: { code: 'timeout' } });
    const refunds = [job, running].filter((j) => j.budgetDay === pool.spendDay);
    const refunded = refunds.reduce((sum, j) => sum + Math.round(j.estimatedCostUsd * 1e6), 0);
    expect(pool.spentMicros).toBe(spent - refunded);
  });
});
