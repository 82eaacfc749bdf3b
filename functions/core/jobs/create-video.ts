import { createHash } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { type ResolvedVideo, resolveVideo, type VideoRequest } from '../domain/catalog/index.ts';
import { checkClientUrl } from '../domain/client-url.ts';
import { clientRequest } from '../domain/creative.ts';
import { checkIdempotencyKey, IDEMPOTENCY_WINDOW_MS, requestFingerprint } from '../domain/idempotency.ts';
import { newVideoId, newWebhookToken } from '../domain/ids.ts';
import type { Job } from '../domain/job.ts';
import { createJob } from '../domain/transitions.ts';
import { Conflict, notFound, ProviderFailed } from '../errors.ts';
import { admitCreate } from '../limits/admission.ts';
import { sendFollowUp } from '../limits/settle.ts';
import { JobConflictError } from '../store/job-store.ts';
import { submitJob } from './submit-job.ts';

/** Stands in for an uploaded image while the request is checked, before anything is uploaded. */
const PENDING_UPLOAD = 'https://upload.pending/input_reference';

async function uploadImage(deps: Deps, image: Blob): Promise<string> {
  try {
    return await deps.fal.upload(image);
  } catch (error) {
    deps.logger.warn('input_reference upload to fal failed', { error: String(error) });
    throw new ProviderFailed(
      'provider_unavailable',
      'The input_reference image could not be uploaded to fal; try again.',
      {
        param: 'input_reference',
        cause: error,
      },
    );
  }
}

export interface CreatedVideo {
  job: Job;
  /** The Idempotency-Key had already created this video: nothing new was recorded or submitted. */
  replayed: boolean;
}

async function sha256(blob: Blob): Promise<string> {
  return createHash('sha256')
    .update(new Uint8Array(await blob.arrayBuffer()))
    .digest('hex');
}

/** A video the key already made, as its create answered it; a deleted one stays gone. */
function replay(job: Job | undefined, id: string): CreatedVideo {
  if (!job || job.deletedAt !== undefined) throw notFound(`Video ${id}`, 'video_id');
  return { job, replayed: true };
}

/**
 * Binds the key to a new id, or answers the id an earlier request with the same key took.
 * The same key with a different request is refused rather than answered with someone else's video.
 */
async function claimId(
  deps: Deps,
  tenant: string,
  key: string,
  fingerprint: string,
): Promise<{ id: string; existing?: Job }> {
  const now = deps.now();
  const wanted = { jobId: newVideoId(now), fingerprint };
  const claim = await deps.jobs.claimIdempotencyKey(tenant, key, wanted, now, now + IDEMPOTENCY_WINDOW_MS);
  if (claim.fingerprint !== fingerprint) {
    throw new Conflict(
      'idempotency_key_reused',
      'This Idempotency-Key was used in the last 24 hours with a different request; use a new key for a new video.',
      { param: 'Idempotency-Key' },
    );
  }
  if (claim.jobId === wanted.jobId) return { id: claim.jobId };
  // an earlier request holds the key: its video, or (still being recorded, or it died first) its id to finish under
  return { id: claim.jobId, existing: await deps.jobs.get(claim.jobId) };
}

/**
 * Validates, admits (today's budgets, then a concurrency slot or a place in the tenant's queue: 429
 * `budget_exceeded` or `queue_full`), records the job, then submits it if it has a slot: record
 * first, so a webhook that beats the submit call's answer finds its job, and a crash after recording
 * is recovered by the reconciler. After the job is recorded nothing here throws (submitJob records
 * every outcome, or leaves the job to the reconciler): the client always gets the video object. With
 * an Idempotency-Key, repeats of the request (retries, concurrent duplicates) all answer the one video
 * the first one created, and only that one is admitted (budget and slot are taken once).
 */
export async function createVideo(
  deps: Deps,
  tenant: string,
  request: VideoRequest,
  options: { image?: Blob; idempotencyKey?: string } = {},
): Promise<CreatedVideo> {
  const { image, idempotencyKey } = options;
  if (request.imageUrl)
    checkClientUrl(request.imageUrl, 'image_url', { allowLocal: deps.config.allowLocalUrls });
  let resolved: ResolvedVideo = resolveVideo(image ? { ...request, imageUrl: PENDING_UPLOAD } : request);
  let id = newVideoId(deps.now());
  if (idempotencyKey !== undefined) {
    // what the client sent: an LLM's rewrite differs between repeats of the same request
    const fingerprint = requestFingerprint(clientRequest(request), image && (await sha256(image)));
    const claimed = await claimId(deps, tenant, checkIdempotencyKey(idempotencyKey), fingerprint);
    if (claimed.existing) return replay(claimed.existing, claimed.id);
    id = claimed.id;
  }
  const now = deps.now();
  // before the upload: a refused video costs nothing, not even the image's trip to fal
  const admitted = await admitCreate(deps, tenant, id, resolved.estimatedCostUsd, now);
  let job: Job;
  try {
    if (image) resolved = resolveVideo({ ...request, imageUrl: await uploadImage(deps, image) });
    job = createJob(
      {
        id,
        tenant,
        spec: resolved.spec,
        falEndpoint: resolved.falEndpoint,
        falInput: resolved.falInput,
        estimatedCostUsd: resolved.estimatedCostUsd,
        typicalGenerationMs:
          deps.policy.typicalGenerationMs ?? resolved.model.typicalGenerationSeconds * 1000,
        webhookToken: newWebhookToken(),
      },
      now,
      deps.policy,
      admitted,
    );
    await deps.jobs.create(job);
  } catch (error) {
    // a duplicate under the same id keeps its slot; this request's budget reservation goes back
    await admitted.undo(error);
    // a concurrent duplicate with the same key recorded it first: that one submits
    if (idempotencyKey !== undefined && error instanceof JobConflictError)
      return replay(await deps.jobs.get(id), id);
    throw error;
  }
  deps.logger.info('video created', {
    jobId: job.id,
    tenant,
    model: job.spec.model,
    costUsd: job.estimatedCostUsd,
    waiting: job.waitingSince !== undefined,
  });
  return { job: await startRecorded(deps, job), replayed: false };
}

/**
 * After the job is recorded: submits it if it holds a slot. A waiting job asks the follow-up worker
 * to pump its tenant's queue (a slot may have freed since admission): the create itself never
 * submits another job. Never throws.
 */
async function startRecorded(deps: Deps, job: Job): Promise<Job> {
  if (job.waitingSince === undefined) return submitJob(deps, job);
  await sendFollowUp(deps, { kind: 'pump', tenant: job.tenant }, job.id);
  return job;
}
