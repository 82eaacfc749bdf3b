import type { Deps } from '../deps.ts';
import { resolveEdit } from '../domain/catalog/edits.ts';
import type { ResolvedJob, VideoRequest } from '../domain/catalog/index.ts';
import { getVisibleJob } from './delete-video.ts';

/**
 * The validate step of an edit or remix: the source must be the tenant's own video (anyone else's,
 * or a deleted one, is a 404), and the edit is resolved against it. Kling reads the archived file
 * through a presigned URL that lives as long as a download link (REELAY_DOWNLOAD_URL_TTL_SECONDS).
 */
export async function resolveEditRequest(
  deps: Pick<Deps, 'jobs' | 'archive' | 'config'>,
  tenant: string,
  request: VideoRequest & { source: NonNullable<VideoRequest['source']> },
): Promise<ResolvedJob> {
  const source = await getVisibleJob(deps, tenant, request.source.videoId);
  const url = source.archive
    ? await deps.archive.downloadUrl(
        source.archive.key,
        deps.config.downloadUrlTtlSeconds,
        `${source.id}.mp4`,
      )
    : '';
  const ask = { prompt: request.prompt, kind: request.source.kind, model: request.model };
  return resolveEdit(source, ask, url);
}
