import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream';
import { measuring } from '../archive/measuring-stream.ts';
import { MediaGoneError, type MediaStream, openMedia } from '../archive/media-source.ts';
import { videoKey } from '../archive/video-archive.ts';
import { measureCost } from '../billing/measure-cost.ts';
import type { Deps } from '../deps.ts';
import type { ArchivedVideo, Job } from '../domain/job.ts';
import {
  claimForArchive,
  isArchiveLeased,
  markCompleted,
  markFailed,
  releaseArchive,
  replaceVideoUrl,
} from '../domain/transitions.ts';
import { settle } from '../limits/settle.ts';
import { updateJob } from './update-job.ts';

export type ArchiveResult = 'completed' | 'skipped' | 'failed';

/** The download was shorter or longer than announced: the copy is not the video. */
class SizeMismatchError extends Error {
  constructor(expected: number, got: number) {
    super(`downloaded ${got} bytes, expected ${expected}`);
    this.name = 'SizeMismatchError';
  }
}

/** fal's URL expired: its queue may still hold the result with a URL that works. */
async function openFreshMedia(deps: Deps, job: Job): Promise<MediaStream> {
  if (!job.requestId) throw new Error('no request id to refresh the media URL from');
  const outcome = await deps.fal.result(job.falEndpoint, job.requestId);
  if (outcome.kind !== 'ok' || outcome.video.url === job.video?.url) {
    throw new Error('fal no longer has the video: its URL expired and the queue has no fresh one');
  }
  const refreshed = await updateJob(deps, job.id, (current) =>
    current.state === 'generated' ? replaceVideoUrl(current, outcome.video, deps.now()) : undefined,
  );
  deps.logger.info('media URL expired; using a fresh one from fal', { jobId: job.id });
  return openMedia(refreshed?.job.video?.url ?? outcome.video.url);
}

/** Object metadata that lets a later attempt recognise a finished copy of the same fal output. */
const FROM_REQUEST = 'fal-request-id';
const EXPECTED_BYTES = 'expected-bytes';

/**
 * An attempt that died after its upload finished but before it recorded the job leaves the object
 * behind: recognised by the fal request it came from and its announced size, it is hashed where
 * it lies and recorded, not written again.
 */
async function earlierCopy(deps: Deps, job: Job, key: string): Promise<ArchivedVideo | undefined> {
  const found = await deps.archive.stat(key);
  if (!found || !job.requestId || found.metadata[FROM_REQUEST] !== job.requestId) return undefined;
  if (Number(found.metadata[EXPECTED_BYTES]) !== found.bytes) return undefined;
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of await deps.archive.read(key)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  if (bytes !== found.bytes) return undefined;
  deps.logger.info('an earlier attempt had copied the video; recording its copy', { jobId: job.id, bytes });
  return { key, bytes, contentType: found.contentType ?? 'video/mp4', sha256: hash.digest('hex') };
}

async function copyToArchive(deps: Deps, job: Job): Promise<ArchivedVideo> {
  const url = job.video?.url;
  if (!url) throw new Error(`job ${job.id} is generated but has no video URL`);
  const key = videoKey(job.tenant, job.id);
  if ((job.archiveAttempts ?? 0) > 1) {
    const earlier = await earlierCopy(deps, job, key);
    if (earlier) return earlier;
  }
  let media: MediaStream;
  try {
    media = await openMedia(url);
  } catch (error) {
    if (!(error instanceof MediaGoneError)) throw error;
    media = await openFreshMedia(deps, job);
  }
  const contentType = media.contentType?.split(';')[0] ?? job.video?.contentType ?? 'video/mp4';
  const measure = measuring();
  const expected = media.contentLength ?? job.video?.fileSize;
  // pipeline carries a failed download into the upload, which then aborts its multipart upload
  await deps.archive.put(
    key,
    pipeline(media.body, measure.stream, () => {}),
    contentType,
    {
      ...(job.requestId && { [FROM_REQUEST]: job.requestId }),
      ...(expected !== undefined && { [EXPECTED_BYTES]: String(expected) }),
    },
  );
  const { bytes, sha256 } = measure.result();
  if (expected !== undefined && expected !== bytes) {
    await deps.archive.delete(key);
    throw new SizeMismatchError(expected, bytes);
  }
  return { key, bytes, contentType, sha256 };
}

/**
 * Streams fal's video into the bucket and completes the job. Safe to run for the same job any
 * number of times, even at once: a lease lets one copy run, and a completed job is left alone.
 * Throws when the copy failed but may work later, so the queue redelivers.
 */
export async function archiveVideo(deps: Deps, jobId: string): Promise<ArchiveResult> {
  const { logger, policy } = deps;
  const claimed = await updateJob(deps, jobId, (current) =>
    current.state === 'generated' && !isArchiveLeased(current, deps.now())
      ? claimForArchive(current, deps.now(), policy)
      : undefined,
  );
  if (!claimed?.changed) {
    logger.info('archive skipped', { jobId, state: claimed?.job.state ?? 'absent' });
    return 'skipped';
  }
  const job = claimed.job;
  let archived: ArchivedVideo;
  try {
    archived = await copyToArchive(deps, job);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const exhausted = (job.archiveAttempts ?? 0) >= policy.maxArchiveAttempts;
    const released = await updateJob(deps, jobId, (current) => {
      if (current.state !== 'generated') return undefined;
      return exhausted
        ? markFailed(
            current,
            { code: 'archive_failed', message: `The video could not be archived: ${reason}` },
            deps.now(),
          )
        : releaseArchive(current, reason, deps.now(), policy);
    });
    // settled like every other step: a job that ended here is counted in the statistics
    await settle(deps, released);
    logger.warn('archive attempt failed', { jobId, attempt: job.archiveAttempts, exhausted, reason });
    if (exhausted) return 'failed';
    throw error;
  }
  // what fal billed, asked before the completing write so the statistics count it with the job
  const cost = deps.config.actualCost ? await measureCost(deps, job) : undefined;
  // only the latest claim completes: a worker whose lease ran out leaves it to the one that took over
  // the claimed copy is tried first (one read fewer); if anything wrote since, it is read again
  const completed = await updateJob(
    deps,
    jobId,
    (current) =>
      current.state === 'generated' && current.archiveAttempts === job.archiveAttempts
        ? markCompleted(current, archived, deps.now(), cost)
        : undefined,
    job,
  );
  if (!completed?.changed) {
    const ended = completed?.job.state === 'failed' || completed?.job.deletedAt !== undefined;
    // a job that ended while we copied owns no object; a completed or re-claimed one shares this key
    if (ended && completed?.job.state !== 'completed') await deps.archive.delete(archived.key);
    logger.info('archive not recorded: the job moved on meanwhile', { jobId, state: completed?.job.state });
    return 'skipped';
  }
  await settle(deps, completed);
  logger.info('video archived', { jobId, bytes: archived.bytes, sha256: archived.sha256 });
  return 'completed';
}
