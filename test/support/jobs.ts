import { resolveVideo, type VideoRequest } from '../../functions/core/domain/catalog/index.ts';
import type { Job } from '../../functions/core/domain/job.ts';
import { DEFAULT_POLICY } from '../../functions/core/domain/policy.ts';
import { createJob } from '../../functions/core/domain/transitions.ts';

export const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

/** A freshly recorded job, built by the same code the service uses. */
export function newJob(request: Partial<VideoRequest> = {}, now = T0): Job {
  const resolved = resolveVideo({ prompt: 'a fox in the snow', ...request });
  return createJob(
    {
      id: 'video_0000000000000000000000000000000a',
      tenant: 'acme',
      spec: resolved.spec,
      falEndpoint: resolved.falEndpoint,
      falInput: resolved.falInput,
      estimatedCostUsd: resolved.estimatedCostUsd,
      typicalGenerationMs: resolved.model.typicalGenerationSeconds * 1000,
      webhookToken: 'token',
    },
    now,
    DEFAULT_POLICY,
  );
}
