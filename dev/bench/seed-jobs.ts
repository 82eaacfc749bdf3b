import { randomUUID } from 'node:crypto';
import type { Deps } from '../../functions/core/deps.ts';
import { resolveVideo } from '../../functions/core/domain/catalog/index.ts';
import { newVideoId, newWebhookToken } from '../../functions/core/domain/ids.ts';
import type { Job } from '../../functions/core/domain/job.ts';
import { createJob, markSubmitted } from '../../functions/core/domain/transitions.ts';

/** Runs `task` over `items` with at most `limit` at once. */
export async function eachLimit<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** A job as the create route records it, before any state of its own. */
export function newJob(deps: Deps, tenant: string, prompt = 'a red fox in fresh snow'): Job {
  const resolved = resolveVideo({ prompt, seconds: '4' });
  const now = deps.now();
  return createJob(
    {
      id: newVideoId(now),
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
  );
}

/** `count` jobs fal has accepted (state submitted, each with its own request id), written straight to the table. */
export async function seedSubmittedJobs(deps: Deps, tenant: string, count: number): Promise<Job[]> {
  const jobs = Array.from({ length: count }, () =>
    markSubmitted(newJob(deps, tenant), randomUUID(), deps.now(), deps.policy),
  );
  await eachLimit(jobs, 32, (job) => deps.jobs.create(job));
  return jobs;
}
