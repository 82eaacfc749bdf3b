import { buildModelError, type ModelError } from './model-errors.ts';
import type { ModelEndpoint } from './models/catalog.ts';
import { type Dimensions, imageSize } from './video/image-size.ts';

/** Reads one of the emulator's own CDN files without HTTP (so stats and CDN faults stay untouched). */
export type LocalFileReader = (url: string) => Promise<Buffer | 'missing' | 'not-local'>;

export interface ImageCheckOptions {
  readLocal: LocalFileReader;
  timeoutMs: number;
}

/** An image input's fault, or the size of the frame the video starts from (`image_url`), when known. */
export type ImageCheck = { error: ModelError } | { error: null; startFrame: Dimensions | null };

/**
 * What the runner does first for image-to-video: download every image input and decode it.
 * A failed download is `file_download_error`, undecodable bytes are `image_load_error` (both 422).
 */
export async function checkInputImages(
  endpoint: ModelEndpoint,
  input: Record<string, unknown>,
  prompt: string,
  options: ImageCheckOptions,
): Promise<ImageCheck> {
  let startFrame: Dimensions | null = null;
  for (const field of endpoint.imageFields) {
    const url = input[field];
    if (typeof url !== 'string') continue;
    const bytes = await download(url, options);
    if (!bytes) return { error: buildModelError('file_download_error', { prompt, field, fieldValue: url }) };
    if (!looksLikeImage(bytes))
      return { error: buildModelError('image_load_error', { prompt, field, fieldValue: url }) };
    if (field === 'image_url') startFrame = imageSize(bytes);
  }
  return { error: null, startFrame };
}

/** A runner's download of an input URL: the emulator's own CDN directly, `data:` URIs, else HTTP with a timeout. */
export async function download(url: string, options: ImageCheckOptions): Promise<Buffer | null> {
  if (url.startsWith('data:')) return decodeDataUri(url);
  const local = await options.readLocal(url);
  if (local === 'missing') return null;
  if (local !== 'not-local') return local;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs) });
    if (!response.ok) {
      await response.body?.cancel();
      return null;
    }
    return Buffer.from(await response.arrayBuffer());
  } catch {
    return null;
  }
}

function decodeDataUri(uri: string): Buffer | null {
  const comma = uri.indexOf(',');
  if (comma < 0) return null;
  const meta = uri.slice(5, comma);
  const data = uri.slice(comma + 1);
  return meta.endsWith(';base64')
    ? Buffer.from(data, 'base64')
    : Buffer.from(decodeURIComponent(data), 'utf8');
}

// Magic numbers of the formats fal's loaders accept: PNG, JPEG, GIF, WebP, BMP, AVIF/HEIC.
function looksLikeImage(bytes: Buffer): boolean {
  const ascii = (from: number, to: number) => bytes.subarray(from, to).toString('latin1');
  if (bytes.length < 12) return false;
  if (bytes[0] === 0x89 && ascii(1, 4) === 'PNG') return true;
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return true;
  if (ascii(0, 4) === 'GIF8') return true;
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return true;
  if (ascii(0, 2) === 'BM') return true;
  return ascii(4, 8) === 'ftyp' && ['avif', 'heic', 'heix', 'mif1'].includes(ascii(8, 12));
}
