import type { Deps } from '../deps.ts';
import type { Job } from '../domain/job.ts';

/** SigV4's longest presign: 7 days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/**
 * The presigned URL through which fal reads a source video's archive (an extension's, an edit's): it
 * lives as long as the new job may (its maximum age), so a job that waited for a slot still finds it.
 */
export function sourceVideoUrl(
  deps: Pick<Deps, 'archive' | 'policy'>,
  source: Pick<Job, 'id'> & { archive: NonNullable<Job['archive']> },
): Promise<string> {
  const ttl = Math.min(MAX_PRESIGN_SECONDS, Math.ceil(deps.policy.maxJobAgeMs / 1000));
  return deps.archive.downloadUrl(source.archive.key, ttl, `${source.id}.mp4`);
}
