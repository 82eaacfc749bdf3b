import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markFailed } from '../../../functions/core/domain/transitions.ts';
import type { VideoObject } from '../../../functions/core/domain/video-object.ts';
import { falSubmits } from '../../support/fal-requests.ts';
import { OTHER_KEY } from '../../support/other-tenant.ts';
import { postVideo } from '../../support/post-video.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

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
    expect(falSubmits(stack)).toBe(1);
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
    expect(falSubmits(stack)).toBe(2);
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
    // the freed slot's hand-off runs in the follow-up worker
    await stack.waitForJob(behind.id, ['submitted']);
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

describe('the reconciler: no waiting job is stranded', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      emulator: { generationMs: 600_000 },
      env: {
        REELAY_DEFAULT_MAX_ACTIVE_JOBS: '2',
        REELAY_MAX_ACTIVE_JOBS: '3',
        REELAY_RECONCILE_BATCH: '1',
        REELAY_MAX_JOB_AGE_SECONDS: '7200',
      },
    });
  });
  afterAll(() => stack.close());

  const createAs = async (key: string | undefined, prompt: string) =>
    (await (await postVideo(stack, prompt, { key })).json()) as VideoObject;

  it('a global slot freed by repair goes to a tenant whose job waits on the deployment, not only to the oldest waiter’s tenant', async () => {
    // a global slot leaked by a process that died, then the deployment fills up
    await stack.deps.usage.takeSlot('global', 'video_leaked', stack.deps.now(), 3);
    await createAs(undefined, 'mine one');
    await createAs(undefined, 'mine two');
    const capped = await createAs(undefined, 'mine three'); // waits: its tenant is at its cap
    const theirs = await createAs(OTHER_KEY, 'theirs'); // waits: the deployment is full
    expect([capped.status, theirs.status]).toEqual(['queued', 'queued']);

    stack.advance(5 * 60_000);
    await stack.reconcile();
    expect((await stack.job(theirs.id)).state).toBe('submitted');
    expect((await stack.job(capped.id)).state).toBe('queued');
  });

  it('a waiting job promoted by a pump that died before recording it goes back to its queue', async () => {
    const pool = await stack.deps.usage.get({ tenant: 'local' });
    const [waiting] = Object.keys(pool.waiting);
    if (!waiting) throw new Error('expected a waiting job');
    // the pump moved it into a slot (over the cap, as a racing pump could) and died
    expect(await stack.deps.usage.promote({ tenant: 'local' }, waiting, stack.deps.now(), 3)).toBe(true);
    stack.advance(5 * 60_000);
    await stack.reconcile();
    const after = await stack.deps.usage.get({ tenant: 'local' });
    expect(Object.keys(after.waiting)).toContain(waiting);
    expect(Object.keys(after.active)).not.toContain(waiting);
    expect((await stack.job(waiting)).state).toBe('queued');
  });
});
