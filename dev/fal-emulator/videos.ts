import { download, type ImageCheckOptions } from './images.ts';
import { buildModelError, type ModelError } from './model-errors.ts';
import type { ModelEndpoint } from './models/catalog.ts';
import { type ClipSpec, readClip } from './video/clip.ts';

/** The input videos of a request, by field (a list field keeps its order), or the first one that failed. */
export type VideoCheck = { error: ModelError } | { error: null; clips: Record<string, ClipSpec[]> };

/**
 * What fal's video-to-video and ffmpeg runners do first: download every input video and probe it,
 * so a later step works from the real media (its frame size and length), wherever it is hosted.
 */
export async function checkInputVideos(
  endpoint: ModelEndpoint,
  input: Record<string, unknown>,
  prompt: string,
  options: ImageCheckOptions,
): Promise<VideoCheck> {
  const clips: Record<string, ClipSpec[]> = {};
  for (const field of endpoint.videoFields) {
    const value = input[field];
    const urls = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
    clips[field] = [];
    for (const url of urls) {
      if (typeof url !== 'string') continue;
      const bytes = await download(url, options);
      if (!bytes)
        return { error: buildModelError('file_download_error', { prompt, field, fieldValue: url }) };
      const clip = probe(bytes);
      if (!clip)
        return { error: buildModelError('unsupported_video_format', { prompt, field, fieldValue: url }) };
      clips[field].push(clip);
    }
  }
  return { error: null, clips };
}

// An MP4 (ftyp first) the emulator can read; anything else is what ffmpeg would refuse.
function probe(bytes: Buffer): ClipSpec | null {
  if (bytes.length < 16 || bytes.toString('latin1', 4, 8) !== 'ftyp') return null;
  try {
    const clip = readClip(bytes);
    return clip.width > 0 && clip.height > 0 && clip.scenes.length > 0 ? clip : null;
  } catch {
    return null;
  }
}
