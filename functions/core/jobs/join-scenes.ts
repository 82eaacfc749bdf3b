import type { EngineDeps } from '../deps.ts';
import { isTerminal, type Job } from '../domain/job.ts';
import {
  awaitScenesAgain,
  failSequence,
  joinScenes,
  SCENE_NOT_RECORDED,
  startMerge,
} from '../domain/scenes.ts';
import { markFailed } from '../domain/transitions.ts';
import { settle } from '../limits/settle.ts';
import { submitJob } from './submit-job.ts';
import { updateJob } from './update-job.ts';

type JoinDeps = EngineDeps;

/** A sequence's scenes' jobs, in scene order (undefined where one was never recorded). */
export async function readScenes(deps: Pick<JoinDeps, 'jobs'>, parent: Job): Promise<(Job | undefined)[]> {
  return Promise.all((parent.sceneIds ?? []).map((id) => deps.jobs.get(id)));
}

const STOPPED = {
  code: 'cancelled',
  message: 'Another scene of the sequence failed, or the sequence ended.',
};

/**
 * Stops a scene its sequence no longer needs: `cancelled` on its job (its slot back, its unbilled
 * estimate refunded), then at fal if a request was running. Safe to run twice.
 */
async function cancelScene(deps: JoinDeps, id: string): Promise<void> {
  const updated = await updateJob(deps, id, (current) =>
    isTerminal(current.state) ? undefined : markFailed(current, STOPPED, deps.now()),
  );
  if (!updated?.changed) return;
  await settle(deps, updated);
  const { previous } = updated;
  if (previous?.state === 'submitted' && previous.requestId) {
    const answer = await deps.fal
      .cancel(previous.falEndpoint, previous.requestId)
      .catch((error: unknown) => String(error));
    deps.logger.info('cancelled a scene at fal', { jobId: id, requestId: previous.requestId, answer });
  }
}

export type Joined = 'merged' | 'failed' | 'cancelled' | 'waiting';

/**
 * The join of a parallel sequence, from the follow-up worker (a scene ended) and the reconciler
 * (an awaiting sequence is due): reads the sequence's video and its scenes, and applies the pure
 * decision with one conditional write on the video, so the merge starts once however many run it.
 */
export async function runJoin(deps: JoinDeps, parentId: string, known?: Job): Promise<Joined> {
  const parent = known ?? (await deps.jobs.get(parentId));
  if (!parent?.sceneIds) return 'waiting';
  const children = await readScenes(deps, parent);
  const now = deps.now();
  const join = joinScenes(parent, children, now, deps.policy);
  switch (join.kind) {
    case 'cancel':
      for (const id of join.cancel) await cancelScene(deps, id);
      return join.cancel.length > 0 ? 'cancelled' : 'waiting';
    case 'fail': {
      const failed = await updateJob(
        deps,
        parentId,
        (current) =>
          current.awaitingScenes && current.state === 'queued'
            ? failSequence(current, children, join.error, deps.now())
            : undefined,
        parent,
      );
      await settle(deps, failed);
      for (const id of join.cancel) await cancelScene(deps, id);
      if (failed?.changed)
        deps.logger.info('a scene failed; the sequence fails', { jobId: parentId, code: join.error.code });
      return 'failed';
    }
    case 'merge': {
      const merging = await updateJob(
        deps,
        parentId,
        (current) =>
          current.awaitingScenes && current.state === 'queued'
            ? startMerge(current, join.videoUrls, deps.now(), deps.policy)
            : undefined,
        parent,
      );
      if (!merging?.changed) return 'waiting';
      deps.logger.info('every scene is done; the merge is submitted', { jobId: parentId });
      await submitJob(deps, merging.job);
      return 'merged';
    }
    case 'wait':
      return 'waiting';
  }
}

/**
 * A creator that could not record every scene: the sequence fails at once with SCENE_NOT_RECORDED
 * and the join stops the scenes it did record (their slots and estimates back).
 */
export async function abandonSequence(deps: JoinDeps, parentId: string): Promise<void> {
  const failed = await updateJob(deps, parentId, (current) =>
    current.awaitingScenes && current.state === 'queued'
      ? failSequence(current, [], SCENE_NOT_RECORDED, deps.now())
      : undefined,
  );
  await settle(deps, failed);
  await runJoin(deps, parentId);
}

/** The reconciler's turn at an awaiting sequence that is due: join, and if it still waits, look again later. */
export async function reconcileAwaiting(deps: JoinDeps, parent: Job): Promise<Joined> {
  const joined = await runJoin(deps, parent.id, parent);
  if (joined === 'waiting')
    await updateJob(deps, parent.id, (current) =>
      current.awaitingScenes && current.state === 'queued'
        ? awaitScenesAgain(current, deps.now(), deps.policy)
        : undefined,
    );
  return joined;
}
