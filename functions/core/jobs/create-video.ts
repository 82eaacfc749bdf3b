import type { Deps } from '../deps.ts';
import { type ResolvedVideo, resolveVideo, type VideoRequest } from '../domain/catalog/index.ts';
import { checkClientUrl } from '../domain/client-url.ts';
import { newVideoId, newWebhookToken } from '../domain/ids.ts';
import type { Job } from '../domain/job.ts';
import { createJob } from '../domain/transitions.ts';
import { ApiError } from '../errors.ts';
import { admitCreate, startRecorded } from '../limits/admission.ts';

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

/**
 * Validates, admits (today's budgets, then a concurrency slot or a place in the tenant's queue: 429
 * `budget_exceeded` or `queue_full`), records the job, then submits it if it has a slot: record
 * first, so a webhook that beats the submit call's answer finds its job, and a crash after recording
 * is recovered by the reconciler. After the job is recorded nothing here throws (submitJob records
 * every outcome, or leaves the job to the reconciler): the client always gets the video object.
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
        typicalGenerationMs: resolved.model.typicalGenerationSeconds * 1000,
        webhookToken: newWebhookToken(),
      },
      now,
      deps.policy,
      admitted,
    );
    await deps.jobs.create(job);
  } catch (error) {
    await admitted.undo(error);
    throw error;
  }
  deps.logger.info('video created', {
    jobId: job.id,
    tenant,
    model: job.spec.model,
    costUsd: job.estimatedCostUsd,
    waiting: job.waitingSince !== undefined,
  });
  return startRecorded(deps, job);
}
