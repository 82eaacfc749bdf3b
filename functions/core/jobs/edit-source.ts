import type { Deps } from '../deps.ts';
import { resolveEdit } from '../domain/catalog/edits.ts';
import type { ResolvedJob, VideoRequest } from '../domain/catalog/index.ts';
import { getVisibleJob } from './delete-video.ts';
import { sourceVideoUrl } from './source-video-url.ts';

/**
 * The validate step of an edit or remix: the source must be the tenant's own video (anyone else's,
 * or a deleted one, is a 404), and the edit is resolved against it. Kling reads the archived file
 * through a presigned URL that lives as long as the edit may (source-video-url.ts).
 */
export async function resolveEditRequest(
  deps: Pick<Deps, 'jobs' | 'archive' | 'policy'>,
  tenant: string,
  request: VideoRequest & { source: NonNullable<VideoRequest['source']> },
): Promise<ResolvedJob> {
  const source = await getVisibleJob(deps, tenant, request.source.videoId);
  const url = source.archive ? await sourceVideoUrl(deps, { id: source.id, archive: source.archive }) : '';
  const ask = { prompt: request.prompt, kind: request.source.kind, model: request.model };
  return resolveEdit(source, ask, url);
}
