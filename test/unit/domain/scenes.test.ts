import { describe, expect, it } from 'vitest';
import { FFMPEG } from '../../../functions/core/domain/catalog/ffmpeg.ts';
import { resolveVideo } from '../../../functions/core/domain/catalog/index.ts';
import { costOf } from '../../../functions/core/domain/cost.ts';
import { type Job, type JobError, jobStatus } from '../../../functions/core/domain/job.ts';
import { DEFAULT_POLICY as policy } from '../../../functions/core/domain/policy.ts';
import {
  AWAIT_LOOK_MAX_POLLS,
  awaitScenesAgain,
  createSceneParent,
  failSequence,
  joinScenes,
  markSceneGenerated,
  SCENE_NOT_RECORDED,
  startMerge,
} from '../../../functions/core/domain/scenes.ts';
import { planParallelSequence, toSequenceObject } from '../../../functions/core/domain/sequence.ts';
import { jobEndCounters } from '../../../functions/core/domain/stats-counters.ts';
import {
  claimForSubmit,
  createJob,
  markDeleted,
  markFailed,
  markSubmitted,
} from '../../../functions/core/domain/transitions.ts';
import { T0 } from '../../support/jobs.ts';

const PARENT = 'video_000000000000000000000000000000p0';

function sequence(): { parent: Job; children: Job[] } {
  const planned = planParallelSequence(
    ['dawn', 'noon', 'dusk'].map((prompt) =>
      resolveVideo({ prompt, seconds: '4', callbackUrl: 'https://example.com/cb' }),
    ),
  );
  const ids = planned.scenes.map((_, index) => `video_00000000000000000000000000000${index}c`);
  const parent = createSceneParent(
    { id: PARENT, tenant: 'acme', webhookToken: 't', ...planned.video },
    ids,
    T0,
    policy,
    '2026-11-21',
  );
  const children = planned.scenes.map((scene, index) =>
    createJob(
      {
        id: ids[index] as string,
        tenant: 'acme',
        webhookToken: `t${index}`,
        ...scene,
        sceneOf: { jobId: PARENT, index },
      },
      T0,
      policy,
      { admission: index < 2 ? 'active' : 'waiting', budgetDay: '2026-11-21' },
    ),
  );
  return { parent, children };
}

const generated = (child: Job, n: number) =>
  markSceneGenerated(
    markSubmitted(child, `r${n}`, T0 + 1, policy),
    { requestId: `r${n}`, video: { url: `https://v3b.fal.media/files/${n}.mp4` } },
    T0 + 2,
  );

describe('parallel scenes', () => {
  it('plan a merged video of the merge’s share, and scenes that tell nobody', () => {
    const { parent, children } = sequence();
    expect(parent).toMatchObject({
      state: 'queued',
      awaitingScenes: true,
      falEndpoint: FFMPEG.merge.endpoint,
      estimatedCostUsd: FFMPEG.merge.priceUsd,
      spec: { seconds: '12', sequence: { continuity: false } },
    });
    expect(parent.slotHeldAt).toBeUndefined();
    expect(children.every((child) => child.spec.callbackUrl === undefined)).toBe(true);
    // a waiting scene is not announced: the sequence's video has the only events
    expect(children.map((child) => child.outbox)).toEqual([undefined, undefined, undefined]);
    expect(markSubmitted(children[0] as Job, 'r', T0, policy).outbox).toBeUndefined();
    expect(markFailed(children[0] as Job, { code: 'x', message: 'x' }, T0).outbox).toBeUndefined();
  });

  it('a parent awaiting scenes cannot be claimed for a submit', () => {
    expect(() => claimForSubmit(sequence().parent, T0, policy)).toThrow(/awaiting scenes/);
  });

  it('waits until every scene has its output, then merges them in scene order', () => {
    const { parent, children } = sequence();
    const [a, b, c] = children as [Job, Job, Job];
    expect(joinScenes(parent, [generated(a, 0), b, c], T0 + 3, policy)).toEqual({ kind: 'wait' });
    const join = joinScenes(parent, [generated(a, 0), generated(b, 1), generated(c, 2)], T0 + 3, policy);
    expect(join).toEqual({
      kind: 'merge',
      videoUrls: [0, 1, 2].map((n) => `https://v3b.fal.media/files/${n}.mp4`),
    });
    const merging = startMerge(parent, join.kind === 'merge' ? join.videoUrls : [], T0 + 4, policy);
    expect(merging).toMatchObject({ awaitingScenes: undefined, submitAttempts: 1, openSubmits: 1 });
    expect(merging.falInput.video_urls).toHaveLength(3);
    // a second joiner finds nothing to do
    expect(joinScenes(merging, [generated(a, 0), generated(b, 1), generated(c, 2)], T0 + 5, policy)).toEqual({
      kind: 'wait',
    });
    expect(() => startMerge(merging, [], T0 + 5, policy)).toThrow();
  });

  it('a scene that failed for good fails the sequence with its error and stops the others', () => {
    const { parent, children } = sequence();
    const [a, b, c] = children as [Job, Job, Job];
    const refused = markFailed(b, { code: 'content_policy_violation', message: 'no' }, T0 + 2);
    expect(joinScenes(parent, [generated(a, 0), refused, c], T0 + 3, policy)).toEqual({
      kind: 'fail',
      error: { code: 'content_policy_violation', message: 'no' },
      cancel: [c.id],
    });
  });

  it('a failed sequence shows and counts what fal billed for the scenes it had made', () => {
    const { parent, children } = sequence();
    const [a, b, c] = children as [Job, Job, Job];
    const refused = markFailed(b, { code: 'content_policy_violation', message: 'no' }, T0 + 2);
    const failed = failSequence(parent, [generated(a, 0), refused, c], refused.error as JobError, T0 + 3);
    expect(failed).toMatchObject({ state: 'failed', scenesBilledUsd: a.estimatedCostUsd });
    expect(costOf(failed)).toEqual({ costUsd: a.estimatedCostUsd, basis: 'estimate' });
    const counters = jobEndCounters(failed);
    expect(Object.entries(counters).filter(([name]) => name.endsWith('|est_micros'))).toEqual([
      [expect.any(String), Math.round(a.estimatedCostUsd * 1e6)],
    ]);
    // no scene made: nothing billed, as before
    const none = failSequence(parent, [refused, c, undefined], refused.error as JobError, T0 + 3);
    expect(none.scenesBilledUsd).toBeUndefined();
    expect(costOf(none)).toEqual({ costUsd: 0, basis: 'not_billed' });
  });

  it('a scene still missing after the creator’s submit lease fails the sequence', () => {
    const { parent, children } = sequence();
    const [a, b] = children as [Job, Job, Job];
    expect(joinScenes(parent, [a, b, undefined], T0 + 1, policy)).toEqual({ kind: 'wait' });
    expect(joinScenes(parent, [a, b, undefined], T0 + policy.submitLeaseMs, policy)).toEqual({
      kind: 'fail',
      error: SCENE_NOT_RECORDED,
      cancel: [a.id, b.id],
    });
  });

  it('a scene still missing after the lease is recorded from the plans its video keeps', () => {
    const { parent, children } = sequence();
    const [a, , c] = children as [Job, Job, Job];
    const planned = { ...parent, scenePlans: children.map((child) => ({ ...child })) };
    expect(joinScenes(planned, [a, undefined, c], T0 + 1, policy)).toEqual({ kind: 'wait' });
    expect(joinScenes(planned, [a, undefined, undefined], T0 + policy.submitLeaseMs, policy)).toEqual({
      kind: 'record',
      missing: [1, 2],
    });
    // once merging, the plans are not carried on
    const merging = startMerge(planned, ['u0', 'u1', 'u2'], T0 + 2, policy);
    expect(merging.scenePlans).toBeUndefined();
  });

  it('the reconciler looks at a waiting sequence less often the longer it waits, within a bound', () => {
    const { parent } = sequence();
    const poll = policy.pollIntervalMs;
    expect(awaitScenesAgain(parent, T0 + 1_000, policy).dueAt).toBe(T0 + 1_000 + poll);
    expect(awaitScenesAgain(parent, T0 + 4 * poll, policy).dueAt).toBe(T0 + 4 * poll + 2 * poll);
    const hourOn = T0 + 3_600_000;
    expect(awaitScenesAgain(parent, hourOn, policy).dueAt).toBe(hourOn + AWAIT_LOOK_MAX_POLLS * poll);
    // over a two-hour wait, a few dozen looks instead of one a poll interval
    let looks = 0;
    for (let at = T0; at < T0 + 7_200_000; at = awaitScenesAgain(parent, at, policy).dueAt as number) looks++;
    expect(looks).toBeLessThan(7_200_000 / poll / 4);
  });

  it('a parent that ended (deleted, timed out) stops its running scenes', () => {
    const { parent, children } = sequence();
    const [a, b, c] = children as [Job, Job, Job];
    expect(joinScenes(markDeleted(parent, T0 + 1), [generated(a, 0), b, c], T0 + 2, policy)).toEqual({
      kind: 'cancel',
      cancel: [b.id, c.id],
    });
  });

  it('the sequence object reads each scene off its job, and progress and cost across them all', () => {
    const { parent, children } = sequence();
    const [a, b, c] = children as [Job, Job, Job];
    const queued = toSequenceObject(parent, T0, children);
    expect(queued.status).toBe('queued');
    expect(queued.estimated_cost_usd).toBeCloseTo(
      FFMPEG.merge.priceUsd + children.reduce((sum, child) => sum + child.estimatedCostUsd, 0),
      6,
    );
    const running = toSequenceObject(parent, T0 + 3, [
      generated(a, 0),
      markSubmitted(b, 'r1', T0 + 1, policy),
      c,
    ]);
    expect(running.status).toBe('in_progress');
    expect(jobStatus(parent)).toBe('in_progress');
    expect(running.scenes.map((scene) => scene.status)).toEqual(['completed', 'in_progress', 'queued']);
    expect(running.progress).toBeGreaterThanOrEqual(25);
    expect(running.progress).toBeLessThan(100);
    const failed = toSequenceObject(
      markFailed(parent, { code: 'content_policy_violation', message: 'no' }, T0 + 4),
      T0 + 4,
      [
        generated(a, 0),
        markFailed(b, { code: 'content_policy_violation', message: 'no' }, T0 + 3),
        markFailed(c, { code: 'cancelled', message: 'stopped' }, T0 + 4),
      ],
    );
    expect(failed.scenes.map((scene) => [scene.status, scene.error?.code ?? null])).toEqual([
      ['completed', null],
      ['failed', 'content_policy_violation'],
      ['failed', 'cancelled'],
    ]);
    expect(failed).toMatchObject({
      status: 'failed',
      progress: 0,
      error: { code: 'content_policy_violation' },
    });
  });
});
