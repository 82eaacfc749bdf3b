import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../../functions/core/deps.ts';
import { resolveVideo } from '../../../functions/core/domain/catalog/index.ts';
import type { Job } from '../../../functions/core/domain/job.ts';
import { toMicros, utcDay } from '../../../functions/core/domain/limits.ts';
import { type SequenceObject, sequenceIdOf } from '../../../functions/core/domain/sequence.ts';
import { falRequestsOf } from '../../support/fal-requests.ts';
import { OTHER_KEY, OTHER_TENANT } from '../../support/other-tenant.ts';
import { followUpsSent } from '../../support/queue-messages.ts';
import { FAST_SERVICE_TIMINGS } from '../../support/service-timings.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';
import { waitUntil } from '../../support/wait-until.ts';

const SERVICE_TIMINGS = FAST_SERVICE_TIMINGS;
const CLIP = 'fal-ai/bytedance/seedance/v1.5/pro/text-to-video';
const MERGE = 'fal-ai/ffmpeg-api/merge-videos';

/** The test stack's defaults (test-stack.ts): overrides merge, so a test puts these back. */
const UNLIMITED = { maxActiveJobs: 1000, maxQueuedJobs: 1000, dailyBudgetUsd: 100_000 };

/**
 * What the test makes the stack lose: every scene-ended message, or the record of one scene; or a
 * delete of the sequence that lands while its creator records scene `deleteBeforeScene`.
 */
const lose = { sceneEnded: false, sceneAt: -1, deleteBeforeScene: -1, crashAt: -1, dead: false };

/** A store whose every call fails while the API's creator is `dead` (a crash: nothing more it writes lands). */
function dying<T extends object>(fn: string, store: T): T {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function' || fn !== 'api') return value;
      return (...args: unknown[]) => {
        if (lose.dead) return Promise.reject(new Error('the creator is dead'));
        return value.apply(target, args);
      };
    },
  });
}

/** Each function's deps, with the losses the test asks for. */
function lossy(fn: string, deps: Deps): Deps {
  const jobs = dying(fn, deps.jobs);
  return {
    ...deps,
    usage: dying(fn, deps.usage),
    fal: dying(fn, deps.fal),
    followUps: {
      send: (message) =>
        lose.sceneEnded && message.kind === 'scene-ended' ? Promise.resolve() : deps.followUps.send(message),
    },
    jobs: {
      ...jobs,
      create: async (job) => {
        if (job.sceneOf?.index === lose.crashAt) {
          lose.crashAt = -1;
          lose.dead = true;
        }
        if (job.sceneOf?.index === lose.sceneAt) {
          lose.sceneAt = -1;
          throw new Error('the write was refused');
        }
        if (job.sceneOf && job.sceneOf.index === lose.deleteBeforeScene) {
          lose.deleteBeforeScene = -1;
          lose.crashAt = -1;
          lose.dead = false;
          const deleted = await stack.api(`/v1/sequences/${sequenceIdOf(job.sceneOf.jobId)}`, {
            method: 'DELETE',
            key: OTHER_KEY,
          });
          expect(deleted.status).toBe(200);
        }
        return jobs.create(job);
      },
    },
  };
}

let stack: TestStack;
let reconciling: NodeJS.Timeout;
beforeAll(async () => {
  stack = await startTestStack({ env: SERVICE_TIMINGS, depsFor: (fn, deps) => lossy(fn, deps) });
  reconciling = setInterval(() => void stack.reconcile(), 300);
});
afterEach(async () => {
  lose.sceneEnded = false;
  lose.sceneAt = -1;
  lose.deleteBeforeScene = -1;
  await stack.deps.tenants.setLimits(OTHER_TENANT, UNLIMITED);
});
afterAll(async () => {
  clearInterval(reconciling);
  await stack.close();
});

async function post(scenes: string[], key?: string): Promise<Response> {
  return stack.api('/v1/sequences', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ scenes: scenes.map((prompt) => ({ prompt, seconds: '4' })) }),
    ...(key && { key }),
  });
}

async function created(scenes: string[], key?: string): Promise<SequenceObject> {
  const response = await post(scenes, key);
  expect(response.status).toBe(200);
  return (await response.json()) as SequenceObject;
}

const scenesOf = async (parent: Job): Promise<Job[]> =>
  Promise.all((parent.sceneIds ?? []).map((id) => stack.job(id)));

const merges = (id: string) => falRequestsOf(stack, id).filter((request) => request.endpointId === MERGE);

/** Waits until the other tenant's spend is `micros` (a settlement follows the job's last write). */
async function expectSpent(micros: number): Promise<void> {
  await waitUntil(
    async () => (await stack.deps.usage.get({ tenant: OTHER_TENANT })).spentMicros,
    (spent) => spent === micros,
    10_000,
  );
}

/** The other tenant's budget is back where it was, and none of the sequence's scenes holds a slot or a queue place. */
async function expectAllGivenBack(before: { spentMicros: number }, parent: Job | undefined): Promise<void> {
  const after = await stack.deps.usage.get({ tenant: OTHER_TENANT });
  expect(after.spentMicros).toBe(before.spentMicros);
  const held = Object.keys({ ...after.active, ...after.waiting });
  expect(held.filter((id) => parent?.sceneIds?.includes(id))).toEqual([]);
}

describe('parallel scenes through faults', () => {
  it('finishes a scene whose webhook is lost by the reconciler’s poll, and merges once', async () => {
    const sequence = await created(['lost one [fal:drop_webhook]', 'heard two', 'heard three']);
    const job = await stack.waitForEnd(sequence.video_id, 30_000);
    expect(job.state).toBe('completed');
    const [lost] = job.sceneIds ?? [];
    const requests = falRequestsOf(stack, lost as string);
    expect(requests.map((request) => [request.endpointId, request.webhook?.dropped])).toEqual([[CLIP, true]]);
    expect(merges(sequence.video_id)).toHaveLength(1);
  }, 60_000);

  it('joins by the reconciler when every scene-ended message is lost, and merges once', async () => {
    lose.sceneEnded = true;
    const sequence = await created(['unheard one', 'unheard two']);
    const job = await stack.waitForEnd(sequence.video_id, 30_000);
    expect(job.state).toBe('completed');
    expect(followUpsSent(stack, 'scene-ended').filter((m) => m.parentId === job.id)).toEqual([]);
    expect(merges(sequence.video_id)).toHaveLength(1);
  }, 60_000);

  it('runs a capped tenant’s scenes two at a time, the third from the queue, and completes', async () => {
    await stack.deps.tenants.setLimits(OTHER_TENANT, { maxActiveJobs: 2 });
    const sequence = await created(['capped one', 'capped two', 'capped three'], OTHER_KEY);
    expect(sequence.scenes.map((scene) => scene.status).filter((status) => status === 'queued')).toHaveLength(
      1,
    );
    const job = await stack.waitForEnd(sequence.video_id, 30_000);
    expect(job.state).toBe('completed');
    const requests = (job.sceneIds ?? []).map((id) => falRequestsOf(stack, id)[0]);
    expect(requests.every((request) => request?.outcome === 'ok')).toBe(true);
    // the third went to fal only once one of the first two had finished and handed its slot on
    const [a, b, c] = requests;
    expect(c?.submittedAt).toBeGreaterThanOrEqual(Math.min(a?.completedAt ?? 0, b?.completedAt ?? 0));
    expect(merges(sequence.video_id)).toHaveLength(1);
  }, 60_000);

  it('admits all or nothing: a scene refused part-way takes nothing and records nothing', async () => {
    const scene = resolveVideo({ prompt: 'x', seconds: '4' }).estimatedCostUsd;
    const spent = (await stack.deps.usage.get({ tenant: OTHER_TENANT })).spentMicros / 1e6;
    for (const [limits, code] of [
      // one scene runs, one waits, the third finds the queue full
      [{ maxActiveJobs: 1, maxQueuedJobs: 1 }, 'queue_full'],
      // the merge and one scene fit today's budget, the second scene does not
      [{ dailyBudgetUsd: spent + 1.5 * scene }, 'budget_exceeded'],
    ] as const) {
      await stack.deps.tenants.setLimits(OTHER_TENANT, limits);
      const before = await stack.deps.usage.get({ tenant: OTHER_TENANT });
      const falBefore = stack.emulator?.requests().length;
      const response = await post(['refused one', 'refused two', 'refused three'], OTHER_KEY);
      expect(response.status, code).toBe(429);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
      const after = await stack.deps.usage.get({ tenant: OTHER_TENANT });
      expect(after.spentMicros).toBe(before.spentMicros);
      expect(after.active).toEqual(before.active);
      expect(after.waiting).toEqual(before.waiting);
      expect(stack.emulator?.requests().length).toBe(falBefore);
      const listed = (await (await stack.api('/v1/sequences', { key: OTHER_KEY })).json()) as {
        data: SequenceObject[];
      };
      expect(listed.data.filter((item) => item.scenes[0]?.prompt === 'refused one')).toEqual([]);
      await stack.deps.tenants.setLimits(OTHER_TENANT, UNLIMITED);
    }
  }, 60_000);

  it('records the scene whose write was refused by the reconciler, and the sequence completes', async () => {
    lose.sceneAt = 1;
    const answer = await post(['recorded at once', 'recorded by the reconciler'], OTHER_KEY);
    // the video is recorded with every scene's plan: the create has done its part
    expect(answer.status).toBe(200);
    const id = ((await answer.json()) as SequenceObject).video_id;
    const job = await stack.waitForEnd(id, 30_000);
    expect(job.state).toBe('completed');
    const scenes = await scenesOf(job);
    expect(scenes.map((scene) => scene.state)).toEqual(['completed', 'completed']);
    for (const scene of scenes)
      expect(falRequestsOf(stack, scene.id).map((request) => request.endpointId)).toEqual([CLIP]);
    expect(merges(id)).toHaveLength(1);
  }, 60_000);

  it('finishes the sequence of a creator that died part-way: the reconciler records and submits its scenes', async () => {
    lose.crashAt = 1;
    const before = await stack.deps.usage.get({ tenant: OTHER_TENANT });
    expect(
      (await post(['recorded before the crash', 'never recorded by its creator'], OTHER_KEY)).status,
    ).toBe(500);
    lose.dead = false;
    const parent = (await stack.deps.jobs.listByTenant(OTHER_TENANT, { limit: 5, order: 'desc' })).jobs.find(
      (job) => job.spec.sequence?.scenes[1]?.prompt === 'never recorded by its creator',
    );
    expect(parent?.sceneIds).toHaveLength(2);
    expect(await stack.deps.jobs.get(parent?.sceneIds?.[1] as string)).toBeUndefined();
    const job = await stack.waitForEnd(parent?.id as string, 30_000);
    expect(job.state).toBe('completed');
    const scenes = await scenesOf(job);
    // each scene generated once (the first submitted by the reconciler too), then one merge
    for (const scene of scenes)
      expect(falRequestsOf(stack, scene.id).map((request) => request.endpointId)).toEqual([CLIP]);
    expect(merges(job.id)).toHaveLength(1);
    // the crashed creator's admissions were kept, not taken twice: spent is the sequence's whole estimate
    const reserved = scenes.reduce(
      (sum, scene) => sum + toMicros(scene.estimatedCostUsd),
      toMicros(job.estimatedCostUsd),
    );
    await expectSpent(before.spentMicros + reserved);
  }, 60_000);

  it('a sequence deleted while its scenes are recorded: the scenes recorded after the delete stop and go too', async () => {
    lose.deleteBeforeScene = 1;
    const before = await stack.deps.usage.get({ tenant: OTHER_TENANT });
    const answer = await post(['recorded before the delete', 'recorded after it'], OTHER_KEY);
    const parent = await stack.deps.jobs.get(((await answer.json()) as SequenceObject).video_id);
    expect(parent?.deletedAt).toBeDefined();
    const scenes = await Promise.all((parent?.sceneIds ?? []).map((id) => stack.deps.jobs.get(id)));
    expect(scenes.map((scene) => [scene?.state, scene?.deletedAt !== undefined])).toEqual([
      ['failed', true],
      ['failed', true],
    ]);
    // neither reached fal, and everything reserved came back
    for (const scene of scenes) expect(falRequestsOf(stack, scene?.id as string)).toEqual([]);
    await expectAllGivenBack(before, parent);
  }, 60_000);

  it('a concurrent duplicate of a sequence (one Idempotency-Key) gives back every slot its scenes took', async () => {
    const before = await stack.deps.usage.get({ tenant: OTHER_TENANT });
    const send = () =>
      stack.api('/v1/sequences', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'one-sequence-four-tries' },
        body: JSON.stringify({
          scenes: [
            { prompt: 'twin one', seconds: '4' },
            { prompt: 'twin two', seconds: '4' },
          ],
        }),
        key: OTHER_KEY,
      });
    const answers = await Promise.all([send(), send(), send(), send()]);
    // at once (before the reconciler's pool repair could hide a leak): the winner's two scenes, no more
    const held = await stack.deps.usage.get({ tenant: OTHER_TENANT });
    const taken = (usage: typeof held) => Object.keys({ ...usage.active, ...usage.waiting }).length;
    expect(taken(held) - taken(before)).toBeLessThanOrEqual(2);
    const ids = new Set<string>();
    for (const answer of answers)
      if (answer.status === 200) ids.add(((await answer.json()) as SequenceObject).video_id);
    // one sequence, whatever the others answered (a replay, or a conflict to retry)
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    expect((await stack.waitForEnd(id as string, 30_000)).state).toBe('completed');
    // the losers' scenes were never recorded: none of their slots or queue places is left behind
    const after = await waitUntil(
      () => stack.deps.usage.get({ tenant: OTHER_TENANT }),
      (usage) => Object.keys(usage.active).length <= Object.keys(before.active).length,
      10_000,
    );
    expect(Object.keys(after.active).sort()).toEqual(Object.keys(before.active).sort());
    expect(Object.keys(after.waiting).sort()).toEqual(Object.keys(before.waiting).sort());
  }, 60_000);
});

describe('scenes and statistics', () => {
  it('count a sequence once, as its video', async () => {
    const jobsCounted = async () => {
      const days = await stack.deps.stats.read('local', [utcDay(stack.deps.now())]);
      return days
        .flatMap((day) => Object.entries(day.counters))
        .filter(([key]) => key.endsWith('|jobs'))
        .reduce((sum, [, count]) => sum + count, 0);
    };
    const before = await jobsCounted();
    const sequence = await created(['counted one', 'counted two']);
    await stack.waitForEnd(sequence.video_id, 30_000);
    const scenes = await scenesOf(await stack.job(sequence.video_id));
    expect(scenes.map((scene) => scene.state)).toEqual(['completed', 'completed']);
    expect(await jobsCounted()).toBe(before + 1);
  }, 60_000);
});
