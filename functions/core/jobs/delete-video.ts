import type { Deps } from '../deps.ts';
import { isTerminal, type Job } from '../domain/job.ts';
import { markDeleted } from '../domain/transitions.ts';
import { notFound } from '../errors.ts';
import { settle } from '../limits/settle.ts';
import { runJoin } from './join-scenes.ts';
import { updateJob } from './update-job.ts';

/** A tenant's video, or a 404: someone else's video and a deleted one look exactly like a missing one. */
export async function getVisibleJob(deps: Pick<Deps, 'jobs'>, tenant: string, id: string): Promise<Job> {
  const job = await deps.jobs.get(id);
  // a sequence's scene is part of its sequence, never a video of its own
  if (!job || job.tenant !== tenant || job.deletedAt !== undefined || job.sceneOf)
    throw notFound(`Video ${id}`, 'video_id');
  return job;
}

/**
 * Cancels the job at fal if it is still running there, removes the archived copy, and leaves a
 * tombstone so late webhooks and queue messages find the job ended. Afterwards the video is a 404.
 */
export async function deleteVideo(deps: Deps, tenant: string, id: string): Promise<void> {
  const job = await getVisibleJob(deps, tenant, id);
  if (job.state === 'submitted' && job.requestId) {
    const answer = await deps.fal.cancel(job.falEndpoint, job.requestId).catch((error: unknown) => {
      deps.logger.warn('fal cancel failed; the job ends here regardless', {
        jobId: id,
        error: String(error),
      });
      return 'failed';
    });
    deps.logger.info('cancel requested at fal', { jobId: id, answer });
  }
  // the object goes first: a retried DELETE after a failure here still finds the job
  if (job.archive) await deps.archive.delete(job.archive.key);
  for (const image of Object.values(job.images ?? {})) await deps.archive.delete(image.key);
  const deleted = await updateJob(deps, id, (current) =>
    current.deletedAt === undefined ? markDeleted(current, deps.now()) : undefined,
  );
  // a cancelled job gives its slot to the next waiting one and is not charged
  await settle(deps, deleted);
  if (deleted?.job.sceneIds) await deleteScenes(deps, deleted.job);
  // it may have completed while fal was asked to cancel: then its object appeared after our first read
  const lateKey = deleted?.job.archive?.key;
  if (lateKey && !job.archive) {
    await deps.archive.delete(lateKey);
    for (const image of Object.values(deleted?.job.images ?? {})) await deps.archive.delete(image.key);
  }
  deps.logger.info('video deleted', { jobId: id, wasTerminal: isTerminal(job.state) });
}

/**
 * A deleted sequence's scenes: those still running stop with it (the follow-up its delete sent is
 * the net), and all go with it, as tombstones that expire as the video's does. Safe to run twice.
 */
export async function deleteScenes(deps: Deps, sequence: Job): Promise<void> {
  await runJoin(deps, sequence.id, sequence);
  for (const sceneId of sequence.sceneIds ?? []) {
    const gone = await updateJob(deps, sceneId, (current) =>
      current.deletedAt === undefined ? markDeleted(current, deps.now()) : undefined,
    );
    await settle(deps, gone);
  }
}
