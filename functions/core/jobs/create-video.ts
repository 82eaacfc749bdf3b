import { createHash } from 'node:crypto';
import { applyCreative } from '../creative/apply-creative.ts';
import type { Deps } from '../deps.ts';
import {
  type ResolvedJob,
  type ResolvedVideo,
  resolveVideo,
  type VideoRequest,
  withImageUrl,
} from '../domain/catalog/index.ts';
import { clientRequest } from '../domain/creative.ts';
import type { PlannedVideo } from '../domain/extension.ts';
import { checkIdempotencyKey, IDEMPOTENCY_WINDOW_MS, requestFingerprint } from '../domain/idempotency.ts';
import { newVideoId, newWebhookToken } from '../domain/ids.ts';
import type { Job } from '../domain/job.ts';
import type { TenantLimits } from '../domain/tenant.ts';
import { createJob } from '../domain/transitions.ts';
import { Conflict, notFound, ProviderFailed } from '../errors.ts';
import { admitCreate } from '../limits/admission.ts';
import { tenantLimits } from '../limits/slots.ts';
import { screenCreate } from '../safety/screen-create.ts';
import { JobConflictError } from '../store/job-store.ts';
import { resolveEditRequest } from './edit-source.ts';
import { startRecorded } from './start-recorded.ts';

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

/**
 * How a multi-step kind (an extension, a sequence) plugs into the pipeline: each request is resolved
 * with `imageFrom` as its image (a step's output), then `plan` turns them into the steps recorded.
 */
export interface StepsPlanner {
  /** Further requests the video is made of (a sequence's other scenes), in order after the first. */
  more?: VideoRequest[];
  /** The image request `index` (0: the first) is resolved with: a step's output, or none. */
  imageFrom?(index: number): string | undefined;
  /** What else makes the request itself beside its fields (the video extended), for the Idempotency-Key. */
  identity?: string;
  /** The steps recorded as one job's plan. */
  plan?(resolved: ResolvedVideo[]): PlannedVideo;
  /**
   * Instead of one job: admits and records the resolved requests its own way (a parallel sequence's
   * video and a job per scene), after the same limits, creative, validation, safety and
   * Idempotency-Key, and answers the job the create answers for. A `JobConflictError` from it is a
   * concurrent duplicate of the key, answered as such.
   */
  record?(recording: { id: string; limits: TenantLimits; resolved: ResolvedVideo[] }): Promise<Job>;
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
 * The one create pipeline every job kind plugs into, in order:
 * 1. **limits**: the tenant's, read once;
 * 2. **creative**: style and prompt enhancement make the final prompt (what is screened and sent);
 * 3. **validate**: the request resolved against its model once (an uploaded image stands in as a
 *    placeholder until it is uploaded), or, for an edit or remix (`request.source`), against its
 *    source video, which must be the tenant's own and completed;
 * 4. **safety**: the safety-checker permission, the client's URLs, the prompt (`screenCreate`);
 * 5. **idempotency**: an `Idempotency-Key` binds the request to one video (a repeat answers it);
 * 6. **admit**: today's budgets, then a slot or a place in the tenant's queue (429 `budget_exceeded`,
 *    `queue_full`), all before the image's trip to fal;
 * 7. **record**: the image uploaded, the job written (record first, so a webhook that beats the
 *    submit's answer finds its job, and a crash after recording is the reconciler's);
 * 8. **submit or wait**: a job with a slot is submitted; a waiting one asks the follow-up worker to
 *    pump its tenant's queue. After the job is recorded nothing here throws.
 * With an Idempotency-Key, repeats (retries, concurrent duplicates) all answer the one video the
 * first one created, and only that one is admitted.
 */
export async function createVideo(
  deps: Deps,
  tenant: string,
  asked: VideoRequest,
  options: { image?: Blob; idempotencyKey?: string; steps?: StepsPlanner } = {},
): Promise<CreatedVideo> {
  const { image, idempotencyKey, steps } = options;
  const limits = await tenantLimits(deps, tenant);
  const request = await applyCreative(deps, { ...asked, keepAtOpenAI: limits.keepSoraVideos }, limits);
  const { source } = request;
  // a sequence's other scenes: each styled, enhanced, validated and screened like the first
  const more = await Promise.all(
    (steps?.more ?? []).map((scene) =>
      applyCreative(deps, { ...scene, keepAtOpenAI: limits.keepSoraVideos }, limits),
    ),
  );
  const placeholder = image ? PENDING_UPLOAD : steps?.imageFrom?.(0);
  // an edit resolves against its source video; anything else against its model
  const video = source
    ? undefined
    : resolveVideo(placeholder ? { ...request, imageUrl: placeholder } : request);
  let resolved: ResolvedJob & Partial<Pick<ResolvedVideo, 'model'>> =
    video ??
    (await resolveEditRequest(deps, tenant, { ...request, source: source as NonNullable<typeof source> }));
  const all =
    steps && video
      ? [
          video,
          ...more.map((scene, index) => {
            const frame = steps.imageFrom?.(index + 1);
            return resolveVideo(frame ? { ...scene, imageUrl: frame } : scene);
          }),
        ]
      : undefined;
  // a multi-step video: the resolved requests become its steps, and the plan is what is recorded
  const planned = all && steps?.plan?.(all);
  if (planned) resolved = planned;
  for (const screened of [request, ...more]) await screenCreate(deps, screened, limits);
  let id = newVideoId(deps.now());
  if (idempotencyKey !== undefined) {
    // what the client sent: an LLM's rewrite differs between repeats of the same request
    const fingerprint = requestFingerprint(
      clientRequest(request),
      image ? await sha256(image) : steps?.identity,
    );
    const claimed = await claimId(deps, tenant, checkIdempotencyKey(idempotencyKey), fingerprint);
    if (claimed.existing) return replay(claimed.existing, claimed.id);
    id = claimed.id;
  }
  if (all && steps?.record) {
    try {
      return { job: await steps.record({ id, limits, resolved: all }), replayed: false };
    } catch (error) {
      // a concurrent duplicate with the same key recorded it first
      if (idempotencyKey !== undefined && error instanceof JobConflictError)
        return replay(await deps.jobs.get(id), id);
      throw error;
    }
  }
  const now = deps.now();
  const admitted = await admitCreate(deps, tenant, id, resolved.estimatedCostUsd, now, limits);
  let job: Job;
  try {
    const { model } = resolved;
    if (image && model) resolved = withImageUrl({ ...resolved, model }, await uploadImage(deps, image));
    job = createJob(
      {
        id,
        tenant,
        spec: resolved.spec,
        falEndpoint: resolved.falEndpoint,
        falInput: resolved.falInput,
        estimatedCostUsd: resolved.estimatedCostUsd,
        typicalGenerationMs:
          planned?.typicalGenerationMs ??
          deps.policy.typicalGenerationMs ??
          resolved.typicalGenerationSeconds * 1000,
        webhookToken: newWebhookToken(),
        ...(planned && { plan: planned.plan }),
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
  // a waiting job's video.queued event (the outbox createJob wrote); lost, it is superseded by the next
  if (job.outbox) {
    const jobId = job.id;
    await deps.eventQueue.enqueue(jobId).catch((error: unknown) => {
      deps.logger.warn('event enqueue failed', { jobId, error: String(error) });
    });
  }
  return { job: await startRecorded(deps, job), replayed: false };
}
