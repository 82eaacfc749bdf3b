import type { EngineDeps } from '../deps.ts';
import { newWebhookToken } from '../domain/ids.ts';
import { isTerminal, type Job, type JobError } from '../domain/job.ts';
import { awaitScenesAgain, failSequence, joinScenes, startMerge } from '../domain/scenes.ts';
import { createJob, markFailed } from '../domain/transitions.ts';
import { settle } from '../limits/settle.ts';
import { admitNewJob, tenantLimits } from '../limits/slots.ts';
import { JobConflictError } from '../store/job-store.ts';
import { startRecorded } from './start-recorded.ts';
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
      const failed = await failAwaiting(deps, parentId, children, join.error, parent);
      for (const id of join.cancel) await cancelScene(deps, id);
      if (failed)
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
    case 'record':
      await recordMissingScenes(deps, parent, join.missing);
      return 'waiting';
    case 'wait':
      return 'waiting';
  }
}

/**
 * Records the scenes a dead creator did not, from the plans on the sequence's video, and starts them.
 * The creator admitted every scene before it recorded the video, so their budget shares stand; each
 * takes its slot or queue place again, which keeps the one it holds (the pools are keyed by job id).
 * A conflict means another joiner recorded it first.
 */
async function recordMissingScenes(deps: JoinDeps, parent: Job, missing: readonly number[]): Promise<void> {
  const limits = await tenantLimits(deps, parent.tenant);
  for (const index of missing) {
    const id = parent.sceneIds?.[index];
    const plan = parent.scenePlans?.[index];
    if (!id || !plan) continue;
    const now = deps.now();
    const admission = await admitNewJob(deps, parent.tenant, id, now, limits);
    if (admission === 'full') {
      const error = { code: 'queue_full', message: 'A scene of the sequence found no place in the queue.' };
      await failAwaiting(deps, parent.id, [], error);
      await runJoin(deps, parent.id);
      return;
    }
    const child = createJob(
      {
        id,
        tenant: parent.tenant,
        webhookToken: newWebhookToken(),
        ...plan,
        sceneOf: { jobId: parent.id, index },
      },
      now,
      deps.policy,
      {
        admission: admission === 'waiting' ? 'waiting' : 'active',
        ...(parent.budgetDay !== undefined && { budgetDay: parent.budgetDay }),
        ...(admission !== 'waiting' && { slotShard: admission.shard }),
      },
    );
    try {
      await deps.jobs.create(child);
    } catch (error) {
      if (error instanceof JobConflictError) continue;
      throw error;
    }
    deps.logger.warn('recorded a scene its creator did not', { jobId: parent.id, sceneId: id, index });
    await startRecorded(deps, child);
  }
}

/** Fails a sequence still awaiting its scenes (one conditional write) and settles it; true if this call did. */
async function failAwaiting(
  deps: JoinDeps,
  parentId: string,
  children: readonly (Job | undefined)[],
  error: JobError,
  known?: Job,
): Promise<boolean> {
  const failed = await updateJob(
    deps,
    parentId,
    (current) =>
      current.awaitingScenes && current.state === 'queued'
        ? failSequence(current, children, error, deps.now())
        : undefined,
    known,
  );
  await settle(deps, failed);
  return failed?.changed ?? false;
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
