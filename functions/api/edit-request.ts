import type { Context } from 'hono';
import type { VideoRequest } from '../core/domain/catalog/index.ts';
import { VIDEO_ID_PATTERN } from '../core/domain/ids.ts';
import { invalidRequest, notFound } from '../core/errors.ts';
import { invalidRequestOf, readFields } from './create-request.ts';
import { EditVideoBody, RemixVideoBody } from './schemas.ts';

/** Refuses file parts: an edit names one of the tenant's videos, it does not upload one. */
function noFiles(fields: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(fields)) {
    const file =
      value instanceof File ||
      (value && typeof value === 'object' && Object.values(value).some((v) => v instanceof File));
    if (file)
      throw invalidRequest(`Field ${name} cannot be a file: name one of your videos as video[id].`, name);
  }
}

const sourceId = (id: string) => {
  // a malformed id names no video: the same 404 as someone else's
  if (!VIDEO_ID_PATTERN.test(id)) throw notFound(`Video ${id}`, 'video_id');
  return id;
};

/** An edit (`POST /v1/videos/edits`) from JSON or multipart, as a create request with a source. */
export async function readEditRequest(c: Context): Promise<VideoRequest> {
  const fields = await readFields(c);
  noFiles(fields);
  const parsed = EditVideoBody.safeParse(fields);
  if (!parsed.success) throw invalidRequestOf(parsed.error);
  const { video, prompt, model } = parsed.data;
  return { prompt, model, source: { videoId: sourceId(video.id), kind: 'edit' } };
}

/** A remix (`POST /v1/videos/{video_id}/remix`), the older alias of an edit. */
export async function readRemixRequest(c: Context, videoId: string): Promise<VideoRequest> {
  const fields = await readFields(c);
  noFiles(fields);
  const parsed = RemixVideoBody.safeParse(fields);
  if (!parsed.success) throw invalidRequestOf(parsed.error);
  const { prompt, model } = parsed.data;
  return { prompt, model, source: { videoId: sourceId(videoId), kind: 'remix' } };
}
