import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../functions/core/domain/job.ts';
import { markFailed } from '../../../functions/core/domain/transitions.ts';
import type { VideoObject } from '../../../functions/core/domain/video-object.ts';
import { settleStep } from '../../../functions/core/limits/settle.ts';
import { falSubmits } from '../../support/fal-requests.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

/** Three slots over three shards: one slot each, so every repair is visible as a shard's holder. */
const SHARDS = 3;

async function holders(stack: TestStack): Promise<string[][]> {
  return Promise.all(
    Array.from({ length: SHARDS }, async (_, shard) =>
      Object.keys((await stack.deps.usage.get({ shard })).active),
    ),
  );
}

async function submitted(stack: TestStack, videos: VideoObject[]): Promise<Job[]> {
  const jobs = await Promise.all(videos.map((video) => stack.job(video.id)));
  return jobs.filter((job) => job.slotHeldAt !== undefined);
}

describe('sharded deployment pool: admission, crashes in the middle, no double free', () => {
  let stack: TestStack;
  let videos: VideoObject[];
  beforeAll(async () => {
    stack = await startTestStack({
      emulator: { generationMs: 600_000 },
      env: { REELAY_MAX_ACTIVE_JOBS: String(SHARDS), REELAY_POOL_SHARDS: String(SHARDS) },
    });
    videos = await Promise.all(
      Array.from({ length: 9 }, (_, i) => stack.createVideo({ prompt: `sharded ${i}`, seconds: '4' })),
    );
  });
  afterAll(() => stack.close());

  it('concurrent creates fill the cap exactly, one holder per shard, each recording its shard', async () => {
    const active = await submitted(stack, videos);
    expect(active).toHaveLength(SHARDS);
    expect(falSubmits(stack)).toBe(SHARDS);
    expect(videos.filter((video) => video.status === 'queued')).toHaveLength(9 - SHARDS);
    const byShard = await holders(stack);
    for (const job of active) expect(byShard[job.slotShard as number]).toEqual([job.id]);
  });

  it('a job ended by a process that died before releasing: the reconciler frees its shard, once', async () => {
    const [victim] = await submitted(stack, videos);
    if (!victim) throw new Error('no active job');
    await stack.deps.jobs.save(markFailed(victim, { code: 'timeout', message: 'crash' }, stack.deps.now()));
    expect((await holders(stack)).flat()).toContain(victim.id);
    stack.advance(5 * 60_000);
    await stack.reconcile();
    const byShard = await holders(stack);
    expect(byShard.flat()).not.toContain(victim.id);
    // its slot went to exactly one waiting job, in the same shard, and no shard holds two
    expect(byShard.map((ids) => ids.length)).toEqual([1, 1, 1]);
    const active = await submitted(stack, videos);
    expect(active).toHaveLength(SHARDS);
    for (const job of active) expect(byShard[job.slotShard as number]).toEqual([job.id]);
    expect(falSubmits(stack)).toBe(SHARDS + 1);
  });

  it('a slot taken by a creator that died before recording its job is repaired, and not before a lease', async () => {
    const [freed] = await submitted(stack, videos);
    if (!freed) throw new Error('no active job');
    // a delete frees a slot; a ghost creator takes it before the pump runs, then dies
    stack.followUps.hold();
    expect((await stack.api(`/v1/videos/${freed.id}`, { method: 'DELETE' })).status).toBe(200);
    const ghostShard = await stack.deps.usage.takeSharedSlot('video_ghost', stack.deps.now(), SHARDS);
    expect(ghostShard).toBe(freed.slotShard);
    stack.followUps.resume();
    await stack.reconcile();
    // the pump found every shard full: nothing more went to fal, the ghost still counts
    expect(falSubmits(stack)).toBe(SHARDS + 1);
    expect((await holders(stack)).flat()).toContain('video_ghost');
    stack.advance(5 * 60_000);
    await stack.reconcile();
    const byShard = await holders(stack);
    expect(byShard.flat()).not.toContain('video_ghost');
    expect(byShard.map((ids) => ids.length)).toEqual([1, 1, 1]);
    expect(falSubmits(stack)).toBe(SHARDS + 2);
  });

  it('a stray second entry of a job is removed while the slot it records stays', async () => {
    const [holder] = await submitted(stack, videos);
    if (!holder) throw new Error('no active job');
    const other = ((holder.slotShard as number) + 1) % SHARDS;
    await stack.deps.usage.takeSlot({ shard: other }, holder.id, stack.deps.now(), 2);
    stack.advance(5 * 60_000);
    await stack.reconcile();
    const byShard = await holders(stack);
    expect(byShard[holder.slotShard as number]).toContain(holder.id);
    expect(byShard[other]).not.toContain(holder.id);
  });

  it('settling the same end twice frees one slot, never a neighbour’s', async () => {
    const [ending, ...others] = await submitted(stack, videos);
    if (!ending) throw new Error('no active job');
    const ended = markFailed(ending, { code: 'timeout', message: 'ended' }, stack.deps.now());
    await stack.deps.jobs.save(ended);
    stack.followUps.hold();
    await Promise.all([settleStep(stack.deps, ending, ended), settleStep(stack.deps, ending, ended)]);
    const byShard = await holders(stack);
    expect(byShard.flat()).not.toContain(ending.id);
    for (const job of others) expect(byShard[job.slotShard as number]).toEqual([job.id]);
    expect(byShard.flat()).toHaveLength(SHARDS - 1);
    stack.followUps.resume();
  });
});
