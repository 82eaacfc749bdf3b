import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { type MediaOptions, openMedia } from '../archive/media-source.ts';
import { imageKey } from '../archive/video-archive.ts';
import { remainingMs, withDeadline } from '../deadline.ts';
import type { Deps } from '../deps.ts';
import { readImageHeader } from '../domain/image-header.ts';
import { type ArchivedVideo, IMAGE_VARIANTS, type ImageVariant, type Job } from '../domain/job.ts';

type ImageDeps = Pick<Deps, 'archive' | 'fal' | 'logger'>;

/** A fal request the images made: billed to the video like its generation (billing/measure-cost.ts). */
export interface ImageRequest {
  requestId: string;
  endpoint: string;
}

export interface ArchivedImages {
  images: Job['images'];
  falRequests: ImageRequest[];
}

/** fal's ffmpeg tool that draws a frame of a video as an image (fal.md "Building blocks"). */
export const EXTRACT_FRAME_ENDPOINT = 'fal-ai/ffmpeg-api/extract-frame';
/** All the images of one archive may take: a thumbnail never holds the video back for long. */
const IMAGES_BUDGET_MS = 20_000;
const POLL_EVERY_MS = 250;
/** Larger than any thumbnail or spritesheet; an answer past it is not kept. */
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const EXTENSIONS = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' } as const;

/**
 * The thumbnail and spritesheet archived beside a video, within the archive's time: fal's Sora output
 * has both; any other video gets a thumbnail drawn by fal's extract-frame from its first frame. Each is
 * best effort: one that fails is logged and left absent, and the video completes regardless. Every
 * extract-frame request sent is reported, finished or not, so what fal bills for it is the video's cost.
 */
export async function archiveImages(
  deps: ImageDeps,
  job: Job,
  media: MediaOptions,
  signal: AbortSignal,
): Promise<ArchivedImages> {
  const images: Job['images'] = {};
  const falRequests: ImageRequest[] = [];
  await withDeadline(Date.now() + IMAGES_BUDGET_MS, async () => {
    for (const variant of IMAGE_VARIANTS) {
      if (signal.aborted) return;
      try {
        const url = await sourceOf(deps, job, variant, falRequests);
        if (url) images[variant] = await copyImage(deps, job, variant, url, media);
      } catch (error) {
        deps.logger.warn('image not archived; the video goes on without it', {
          jobId: job.id,
          variant,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  });
  return { images, falRequests };
}

async function sourceOf(
  deps: ImageDeps,
  job: Job,
  variant: ImageVariant,
  falRequests: ImageRequest[],
): Promise<string | undefined> {
  if (variant === 'spritesheet') return job.video?.spritesheetUrl;
  if (job.video?.thumbnailUrl) return job.video.thumbnailUrl;
  return job.video?.url ? extractFrame(deps, job.video.url, falRequests) : undefined;
}

/** A frame through fal's queue (no webhook: polled), within what is left of the images' time. */
async function extractFrame(deps: ImageDeps, videoUrl: string, falRequests: ImageRequest[]): Promise<string> {
  const { requestId } = await deps.fal.submit(EXTRACT_FRAME_ENDPOINT, {
    video_url: videoUrl,
    frame_type: 'first',
  });
  falRequests.push({ requestId, endpoint: EXTRACT_FRAME_ENDPOINT });
  while ((await deps.fal.status(EXTRACT_FRAME_ENDPOINT, requestId)) !== 'COMPLETED') {
    if ((remainingMs() ?? 0) < POLL_EVERY_MS) {
      await deps.fal.cancel(EXTRACT_FRAME_ENDPOINT, requestId).catch(() => undefined);
      throw new Error(`extract-frame ${requestId} did not finish in time`);
    }
    await sleep(POLL_EVERY_MS);
  }
  const output = (await deps.fal.output(EXTRACT_FRAME_ENDPOINT, requestId)) as {
    images?: { url?: unknown }[];
  };
  const url = output?.images?.[0]?.url;
  if (typeof url !== 'string') throw new Error(`extract-frame ${requestId} answered no image`);
  return url;
}

/** Downloads the image (fal's hosts only), checks what it really is, and stores it as that type. */
async function copyImage(
  deps: ImageDeps,
  job: Job,
  variant: ImageVariant,
  url: string,
  media: MediaOptions,
): Promise<ArchivedVideo> {
  const source = await openMedia(url, media);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source.body) {
    size += (chunk as Buffer).length;
    if (size > MAX_IMAGE_BYTES) {
      source.body.destroy();
      throw new Error(`the ${variant} is larger than ${MAX_IMAGE_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  const bytes = Buffer.concat(chunks);
  // served as what the bytes are, whatever the header claimed
  const header = readImageHeader(bytes);
  if (!header) throw new Error(`the ${variant} is not a PNG, JPEG or WebP image`);
  const key = imageKey(job.tenant, job.id, variant, EXTENSIONS[header.type]);
  await deps.archive.put(key, Readable.from([bytes]), header.type);
  return {
    key,
    bytes: bytes.length,
    contentType: header.type,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}
