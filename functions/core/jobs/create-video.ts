import type { Deps } from '../deps.ts';
import { type ResolvedVideo, resolveVideo, type VideoRequest } from '../domain/catalog/index.ts';
import { checkClientUrl } from '../domain/client-url.ts';
import { newVideoId, newWebhookToken } from '../domain/ids.ts';
import type { Job } from '../domain/job.ts';
import { createJob } from '../domain/transitions.ts';
import { ApiError } from '../errors.ts';
import { refundBudget, reserveBudget } from '../limits/budget.ts';
import { admitNewJob, pumpTenant, releaseSlot, tenantLimits } from '../limits/slots.ts';
import { JobConflictError } from '../store/job-store.ts';
import { submitJob } from './submit-job.ts';

/** Stands in for an uploaded image while the request is checked, before anything is uploaded. */
const PENDING_UPLOAD = 'https://upload.pending/input_reference';

async function uploadImage(deps: Deps, image: Blob): Promise<string> {
  try {
    return await deps.fal.upload(image);
  } catch (error) {
    deps.logger.warn('input_reference upload to fal failed', { error: String(error) });
    throw new ApiError(
      502,
      'provider_unavailable',
      'The input_reference image could not be uploaded to fal; try again.',
      {
        param: 'input_reference',
        cause: error,
      },
    );
  }
}

const queueFull = (maxQueued: number) =>
  new ApiError(
    429,
    'queue_full',
    `Too many videos are waiting: at most ${maxQueued} may wait for a free slot. Retry once some have started.`,
    { headers: { 'Retry-After': '30' } },
  );

/**
 * Validates, reserves the estimated cost in today's budgets (429 `budget_exceeded`), takes a
 * concurrency slot or a place in the tenant's queue (429 `queue_full`), records the job, then submits
 * it if it has a slot: record first, so a webhook that beats the submit call's answer finds its job,
 * and a crash after recording is recovered by the reconciler. After the job is recorded nothing here
 * throws (submitJob records every outcome, or leaves the job to the reconciler): the client always
 * gets the video object.
 */
export async function createVideo(
  deps: Deps,
  tenant: string,
  request: VideoRequest,
  image?: Blob,
): Promise<Job> {
  if (request.imageUrl)
    checkClientUrl(request.imageUrl, 'image_url', { allowLocal: deps.config.allowLocalUrls });
  let resolved: ResolvedVideo = resolveVideo(image ? { ...request, imageUrl: PENDING_UPLOAD } : request);
  const now = deps.now();
  const id = newVideoId(now);
  const costUsd = resolved.estimatedCostUsd;
  const limits = await tenantLimits(deps, tenant);
  // checked before the upload: a refused video costs nothing, not even the image's trip to fal
  const budgetDay = await reserveBudget(deps, tenant, limits, costUsd, now);
  let job: Job;
  try {
    const admission = await admitNewJob(deps, tenant, id, now, limits);
    if (admission === 'full') throw queueFull(limits.maxQueuedJobs);
    if (image) resolved = resolveVideo({ ...request, imageUrl: await uploadImage(deps, image) });
    job = createJob(
      {
        id,
        tenant,
        spec: resolved.spec,
        falEndpoint: resolved.falEndpoint,
        falInput: resolved.falInput,
        estimatedCostUsd: costUsd,
        typicalGenerationMs: resolved.model.typicalGenerationSeconds * 1000,
        webhookToken: newWebhookToken(),
      },
      now,
      deps.policy,
      { admission, budgetDay },
    );
    await deps.jobs.create(job);
  } catch (error) {
    // nothing was recorded: give back what was taken for it (a failure here is repaired later);
    // a job recorded under this very id meanwhile (a duplicate create) owns the slot: keep it
    const owned = error instanceof JobConflictError;
    await Promise.all([
      owned ? undefined : releaseSlot(deps, tenant, id),
      refundBudget(deps, tenant, budgetDay, costUsd),
    ]).catch((undo: unknown) =>
      deps.logger.error('undoing a refused create failed', { jobId: id, error: String(undo) }),
    );
    throw error;
  }
  deps.logger.info('video created', {
    jobId: job.id,
    tenant,
    model: job.spec.model,
    costUsd: job.estimatedCostUsd,
    waiting: job.waitingSince !== undefined,
  });
  if (job.waitingSince === undefined) return submitJob(deps, job);
  return admitIfFree(deps, job);
}

/** A slot may have freed between our admission and the record: pump, which may submit this very job. */
async function admitIfFree(deps: Deps, job: Job): Promise<Job> {
  try {
    await pumpTenant(deps, job.tenant);
    return (await deps.jobs.get(job.id)) ?? job;
  } catch (error) {
    deps.logger.error('pumping the queue after a create failed; the reconciler will', {
      jobId: job.id,
      error: String(error),
    });
    return job;
  }
}
