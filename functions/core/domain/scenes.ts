/**
 * Parallel scenes: a sequence without continuity is its merged video (the parent job) and one child
 * job per scene, each an ordinary generation with its own slot and budget share. A child ends with
 * its output (no archive); the join decides, from the parent and its children alone, when the merge
 * starts, or that the sequence fails. Pure: the jobs in, a decision or the next job out.
 */
import { isTerminal, type Job, type JobError } from './job.ts';
import { toMicros } from './limits.ts';
import type { JobPolicy } from './policy.ts';
import { advance, markFailed, type NewJob, submitLeaseUntil } from './transitions.ts';

/** What the join decides for a parent and its children (in scene order; undefined: not recorded). */
export type SceneJoin =
  | { kind: 'wait' }
  /** Every scene has its output: the merge gets their URLs in scene order. */
  | { kind: 'merge'; videoUrls: string[] }
  /** Scenes its creator died before recording (their indexes): recorded now from the video's plans. */
  | { kind: 'record'; missing: number[] }
  /** The sequence fails with this error, and its scenes still running stop. */
  | { kind: 'fail'; error: JobError; cancel: string[] }
  /** The parent ended (failed, timed out, deleted): its scenes still running stop. */
  | { kind: 'cancel'; cancel: string[] };

/** The parent's scenes that fal may still be working on. */
const running = (children: readonly (Job | undefined)[]): string[] =>
  children.flatMap((child) => (child && !isTerminal(child.state) ? [child.id] : []));

export const SCENE_NOT_RECORDED: JobError = {
  code: 'internal_error',
  message: 'A scene of the sequence was never recorded (its creator stopped part-way); try again.',
};

/**
 * The join. A parent that ended cancels its running scenes; an awaiting parent fails with the error
 * of the first scene that failed for good (a scene's retries are its own job's), records the scenes
 * still missing once the creator's submit lease ran out (it died part-way; without plans, fails),
 * merges once every scene has its output, and otherwise waits.
 */
export function joinScenes(
  parent: Job,
  children: readonly (Job | undefined)[],
  now: number,
  policy: Pick<JobPolicy, 'submitLeaseMs'>,
): SceneJoin {
  if (isTerminal(parent.state) || parent.deletedAt !== undefined)
    return { kind: 'cancel', cancel: running(children) };
  if (!parent.awaitingScenes) return { kind: 'wait' };
  const failed = children.find((child) => child?.state === 'failed');
  if (failed)
    return {
      kind: 'fail',
      error: failed.error ?? { code: 'internal_error', message: 'A scene failed.' },
      cancel: running(children),
    };
  if (children.some((child) => child === undefined)) {
    if (now - parent.createdAt < policy.submitLeaseMs) return { kind: 'wait' };
    // the creator died part-way: its admissions stand, so the scenes it did not record are recorded now
    if (parent.scenePlans)
      return { kind: 'record', missing: children.flatMap((child, index) => (child ? [] : [index])) };
    return { kind: 'fail', error: SCENE_NOT_RECORDED, cancel: running(children) };
  }
  const urls = children.map((child) => (child?.state === 'completed' ? child.video?.url : undefined));
  if (urls.every((url): url is string => url !== undefined)) return { kind: 'merge', videoUrls: urls };
  return { kind: 'wait' };
}

/**
 * The merged video, recorded before its scenes: queued, awaiting them, holding no slot (the scenes
 * hold theirs) and its own budget share (the merge's). It is due at once the creator's submit lease
 * has passed, so the reconciler's join finds a creator that died before recording every scene.
 */
export function createSceneParent(
  input: NewJob,
  sceneIds: string[],
  now: number,
  policy: JobPolicy,
  budgetDay?: string,
): Job {
  return {
    ...input,
    state: 'queued',
    version: 1,
    createdAt: now,
    updatedAt: now,
    submitAttempts: 0,
    priorRequestIds: [],
    sceneIds,
    awaitingScenes: true,
    dueAt: now + policy.submitLeaseMs,
    ...(budgetDay !== undefined && { budgetDay }),
  };
}

/**
 * A sequence's video fails with `error`: it records what fal had billed for its scenes by then (the
 * estimate of each scene that made its output), which its cost and the statistics show.
 */
export function failSequence(
  parent: Job,
  children: readonly (Job | undefined)[],
  error: JobError,
  now: number,
): Job {
  const billed = children.reduce(
    (micros, child) => micros + (child?.state === 'completed' ? toMicros(child.estimatedCostUsd) : 0),
    0,
  );
  return { ...markFailed(parent, error, now), ...(billed > 0 && { scenesBilledUsd: billed / 1_000_000 }) };
}

/** However long a sequence has waited, the reconciler looks at it again within this many poll intervals. */
export const AWAIT_LOOK_MAX_POLLS = 10;

/**
 * The parent still awaits its scenes: the reconciler looks again after half the time it has waited,
 * between one poll interval and AWAIT_LOOK_MAX_POLLS of them. Scene-ended messages are the join's
 * main path; this is the net for a lost one: about 30 writes over a two-hour wait instead of 240.
 */
export function awaitScenesAgain(parent: Job, now: number, policy: JobPolicy): Job {
  const waited = now - parent.createdAt;
  const delay = Math.min(
    AWAIT_LOOK_MAX_POLLS * policy.pollIntervalMs,
    Math.max(policy.pollIntervalMs, Math.round(waited / 2)),
  );
  return advance(parent, ['queued'], 'queued (awaiting scenes)', now, { dueAt: now + delay });
}

/**
 * Every scene has its output: the merge becomes the parent's fal request, held under a fresh submit
 * lease for the joiner's immediate submit. The version check makes one joiner win however many try.
 */
export function startMerge(parent: Job, videoUrls: string[], now: number, policy: JobPolicy): Job {
  if (!parent.awaitingScenes) throw new Error(`job ${parent.id} is not awaiting scenes`);
  return advance(parent, ['queued'], 'queued (merge)', now, {
    awaitingScenes: undefined,
    // every scene is recorded: their plans need not ride along in every later write
    scenePlans: undefined,
    falInput: { ...parent.falInput, video_urls: videoUrls },
    submitAttempts: 1,
    openSubmits: 1,
    dueAt: submitLeaseUntil(parent, now, policy),
  });
}

/**
 * A scene's output is its end: recorded (fal keeps it for the job's maximum age, which the merge
 * reads within), the slot handed back, no archive and no event. `completed` is terminal, so a late
 * or duplicate webhook changes nothing.
 */
export function markSceneGenerated(
  child: Job,
  result: { requestId: string; video: { url: string; contentType?: string; fileSize?: number } },
  now: number,
): Job {
  const replaced = child.requestId !== undefined && child.requestId !== result.requestId;
  return advance(child, ['queued', 'submitted'], 'completed (scene)', now, {
    state: 'completed',
    slotHeldAt: undefined,
    slotShard: undefined,
    openSubmits: undefined,
    requestId: result.requestId,
    ...(replaced && { priorRequestIds: [...child.priorRequestIds, child.requestId as string] }),
    video: result.video,
    generatedAt: now,
    completedAt: now,
    submittedAt: child.submittedAt ?? now,
    dueAt: undefined,
  });
}
