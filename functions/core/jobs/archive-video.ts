import { createHash } from 'node:crypto';
import { pipeline, Transform } from 'node:stream';
import { measuring } from '../archive/measuring-stream.ts';
import {
  MediaGoneError,
  type MediaOptions,
  MediaRefusedError,
  type MediaStream,
  openMedia,
} from '../archive/media-source.ts';
import { videoKey } from '../archive/video-archive.ts';
import { type FalRequest, measureCost, requestsOf } from '../billing/measure-cost.ts';
import type { Deps } from '../deps.ts';
import { parseClientUrl } from '../domain/client-url.ts';
import type { ArchivedVideo, Job } from '../domain/job.ts';
import { abandoned } from '../domain/lease.ts';
import { mediaUrlProblem } from '../domain/media-hosts.ts';
import {
  claimForArchive,
  isArchiveLeased,
  markCompleted,
  markFailed,
  releaseArchive,
  renewArchiveLease,
  replaceVideoUrl,
} from '../domain/transitions.ts';
import { type HeldLease, holdLease, LeaseLostError } from '../lease/hold-lease.ts';
import { newLeaseHolder } from '../lease/holder.ts';
import { settle } from '../limits/settle.ts';
import { METRIC } from '../metrics/metrics.ts';
import { guardedLookup } from '../net/url-guard.ts';
import { type ArchivedImages, archiveImages } from './archive-images.ts';
import { readScenes } from './join-scenes.ts';
import { updateJob } from './update-job.ts';

/** What an archive touches: the job's item, fal (a fresh media URL), the bucket. */
export type ArchiveDeps = Pick<
  Deps,
  | 'config'
  | 'policy'
  | 'logger'
  | 'metrics'
  | 'now'
  | 'jobs'
  | 'usage'
  | 'stats'
  | 'archive'
  | 'fal'
  | 'billing'
  | 'followUps'
  | 'eventQueue'
>;

export type ArchiveResult = 'completed' | 'skipped' | 'failed';

/** The download was shorter or longer than announced: the copy is not the video. */
class SizeMismatchError extends Error {
  constructor(expected: number, got: number) {
    super(`downloaded ${got} bytes, expected ${expected}`);
    this.name = 'SizeMismatchError';
  }
}

/**
 * fal's media hosts only (an adopted or forged result included), no literal or local address a client
 * URL could not have, and a connection only to addresses the SSRF rules allow: what the archiver
 * fetches, first URL and each redirect alike.
 */
function mediaOptions(deps: ArchiveDeps): MediaOptions {
  const hostRules = { hosts: deps.config.fal.mediaHosts, allowLocal: deps.config.allowLocalUrls };
  const addressRules = { allowLocal: deps.config.allowLocalUrls };
  return {
    async check(url) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new MediaRefusedError(url, 'not a URL');
      }
      const problem = mediaUrlProblem(parsed, hostRules);
      if (problem) throw new MediaRefusedError(url, problem);
      try {
        parseClientUrl(url, 'video.url', addressRules);
      } catch (error) {
        throw new MediaRefusedError(url, error instanceof Error ? error.message : String(error));
      }
    },
    lookup: guardedLookup(addressRules),
  };
}

/** fal's URL expired: its queue may still hold the result with a URL that works. */
/** A parallel sequence's video is billed its scenes' requests too: they were made for it (domain/cost.ts). */
async function sceneRequests(deps: ArchiveDeps, job: Job): Promise<FalRequest[]> {
  if (!job.sceneIds) return [];
  return (await readScenes(deps, job)).flatMap((scene) => (scene ? requestsOf(scene) : []));
}

async function openFreshMedia(deps: ArchiveDeps, job: Job): Promise<MediaStream> {
  if (!job.requestId) throw new Error('no request id to refresh the media URL from');
  const outcome = await deps.fal.result(job.falEndpoint, job.requestId);
  if (outcome.kind !== 'ok' || outcome.video.url === job.video?.url) {
    throw new Error('fal no longer has the video: its URL expired and the queue has no fresh one');
  }
  const refreshed = await updateJob(deps, job.id, (current) =>
    current.state === 'generated' ? replaceVideoUrl(current, outcome.video, deps.now()) : undefined,
  );
  deps.logger.info('media URL expired; using a fresh one from fal', { jobId: job.id });
  return openMedia(refreshed?.job.video?.url ?? outcome.video.url, mediaOptions(deps));
}

/** Object metadata that lets a later attempt recognise a finished copy of the same fal output. */
const FROM_REQUEST = 'fal-request-id';
const EXPECTED_BYTES = 'expected-bytes';

/**
 * An attempt that died after its upload finished but before it recorded the job leaves the object
 * behind: recognised by the fal request it came from and its announced size, it is hashed where
 * it lies and recorded, not written again.
 */
async function earlierCopy(deps: ArchiveDeps, job: Job, key: string): Promise<ArchivedVideo | undefined> {
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

/**
 * Holds the end of the stream until the lease is confirmed: a worker that lost its lease while it
 * copied fails the stream, so its upload is aborted instead of completed over its successor's.
 */
function fenced(lease: HeldLease): Transform {
  return new Transform({
    transform: (chunk, _encoding, done) => done(null, chunk),
    flush: (done) => {
      lease.confirm().then(() => done(), done);
    },
  });
}

async function copyToArchive(deps: ArchiveDeps, job: Job, lease: HeldLease): Promise<ArchivedVideo> {
  const url = job.video?.url;
  if (!url) throw new Error(`job ${job.id} is generated but has no video URL`);
  const key = videoKey(job.tenant, job.id);
  if ((job.archiveAttempts ?? 0) > 1) {
    const earlier = await earlierCopy(deps, job, key);
    if (earlier) return earlier;
  }
  let media: MediaStream;
  try {
    media = await openMedia(url, mediaOptions(deps));
  } catch (error) {
    if (!(error instanceof MediaGoneError)) throw error;
    media = await openFreshMedia(deps, job);
  }
  const body = media.body;
  lease.signal.addEventListener('abort', () => body.destroy(lease.signal.reason), { once: true });
  const contentType = media.contentType?.split(';')[0] ?? job.video?.contentType ?? 'video/mp4';
  const measure = measuring();
  const expected = media.contentLength ?? job.video?.fileSize;
  // pipeline carries a failed download into the upload, which then aborts its multipart upload
  await deps.archive.put(
    key,
    pipeline(media.body, measure.stream, fenced(lease), () => {}),
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
 * number of times, even at once: a lease lets one copy run, renewed while it runs, and a completed
 * job is left alone. A worker that dies stops renewing, and its job is taken over once the lease
 * runs out (the reconciler re-sends it). Throws when the copy failed but may work later, so the
 * queue redelivers.
 */
export async function archiveVideo(deps: ArchiveDeps, jobId: string): Promise<ArchiveResult> {
  const { logger, policy } = deps;
  const holder = newLeaseHolder();
  const claimed = await updateJob(deps, jobId, (current) =>
    current.state === 'generated' && !isArchiveLeased(current, deps.now())
      ? claimForArchive(current, holder, deps.now(), policy)
      : undefined,
  );
  if (!claimed?.changed) {
    logger.info('archive skipped', { jobId, state: claimed?.job.state ?? 'absent' });
    return 'skipped';
  }
  const takenOver = abandoned(claimed.previous?.archiveLease, deps.now());
  if (takenOver) {
    logger.warn('archive lease taken over', {
      jobId,
      previousHolder: takenOver.holder,
      expiredForMs: deps.now() - takenOver.until,
    });
    deps.metrics.count(METRIC.archiveLeaseTakenOver, { jobId });
  }
  const job = claimed.job;
  // the copy this worker last wrote: each renewal is then one conditional write, no read
  let latest = job;
  const renew = async () => {
    const renewed = await updateJob(
      deps,
      jobId,
      (current) => renewArchiveLease(current, holder, deps.now(), policy),
      latest,
    );
    if (!renewed?.changed) return undefined;
    latest = renewed.job;
    return renewed.job.archiveLease?.until;
  };
  let archived: ArchivedVideo;
  let images: ArchivedImages | undefined;
  let renewals = 0;
  const started = performance.now();
  try {
    archived = await holdLease(
      {
        renew,
        until: job.archiveLease?.until ?? deps.now(),
        renewEveryMs: policy.archiveLeaseRenewMs,
        // a lease taken or renewed within the last interval needs no write before the upload completes
        confirmAboveMs: policy.archiveLeaseMs - policy.archiveLeaseRenewMs,
        now: deps.now,
      },
      async (lease) => {
        try {
          const copied = await copyToArchive(deps, job, lease);
          // under the same lease: a worker that lost it records nothing of its images either
          if (deps.config.thumbnails)
            images = await archiveImages(deps, job, mediaOptions(deps), lease.signal);
          return copied;
        } finally {
          renewals = lease.renewals();
        }
      },
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof LeaseLostError) {
      // the job is someone else's now (or ended): nothing of this attempt is recorded or released
      logger.warn('archive stopped: its lease was lost', { jobId, holder, reason, renewals });
      return 'skipped';
    }
    // a refused URL stays refused: no point in trying again
    const exhausted =
      error instanceof MediaRefusedError || (job.archiveAttempts ?? 0) >= policy.maxArchiveAttempts;
    const released = await updateJob(
      deps,
      jobId,
      (current) => {
        if (current.state !== 'generated' || current.archiveLease?.holder !== holder) return undefined;
        return exhausted
          ? markFailed(
              current,
              { code: 'archive_failed', message: `The video could not be archived: ${reason}` },
              deps.now(),
            )
          : releaseArchive(current, reason, deps.now(), policy);
      },
      latest,
    );
    // settled like every other step: a job that ended here is counted in the statistics
    await settle(deps, released);
    logger.warn('archive attempt failed', { jobId, attempt: job.archiveAttempts, exhausted, reason });
    if (exhausted) return 'failed';
    throw error;
  }
  // what fal billed, asked before the completing write so the statistics count it with the job
  const cost = deps.config.actualCost
    ? await measureCost(deps, job, [...(await sceneRequests(deps, job)), ...(images?.falRequests ?? [])])
    : undefined;
  // only the lease's holder completes: a worker that lost it leaves the job to the one that took over
  const completed = await updateJob(
    deps,
    jobId,
    (current) =>
      current.state === 'generated' && current.archiveLease?.holder === holder
        ? markCompleted(current, archived, deps.now(), cost, images?.images)
        : undefined,
    latest,
  );
  if (!completed?.changed) {
    const ended = completed?.job.state === 'failed' || completed?.job.deletedAt !== undefined;
    // a job that ended while we copied owns no object; a completed or re-claimed one shares this key
    if (ended && completed?.job.state !== 'completed') await deps.archive.delete(archived.key);
    logger.info('archive not recorded: the job moved on meanwhile', { jobId, state: completed?.job.state });
    return 'skipped';
  }
  await settle(deps, completed);
  logger.info('video archived', {
    jobId,
    bytes: archived.bytes,
    sha256: archived.sha256,
    leaseRenewals: renewals,
  });
  deps.metrics.emit({ name: METRIC.archivedBytes, unit: 'Bytes', value: archived.bytes });
  deps.metrics.emit({
    name: METRIC.archiveDuration,
    unit: 'Milliseconds',
    value: performance.now() - started,
  });
  return 'completed';
}
