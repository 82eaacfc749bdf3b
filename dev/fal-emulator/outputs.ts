import { randomBytes } from 'node:crypto';
import type { FileStore } from './files.ts';
import { randomSeed } from './ids.ts';
import { outputLayout } from './media.ts';
import { buildModelError } from './model-errors.ts';
import type { FileRef, ImageSpec, Outcome, RequestRecord } from './types.ts';
import {
  type ClipSpec,
  clipSeconds,
  clipSpec,
  type FramePosition,
  frameColour,
  mergeSpecs,
} from './video/clip.ts';
import { requestedClip } from './video/request-clip.ts';

export interface OutputDeps {
  files: FileStore;
  /** The earlier request whose Sora output carries this OpenAI `video_id`. */
  findSoraVideo: (videoId: string) => RequestRecord | undefined;
}

// Kling O3 edit takes 3–10 s of video (fal.md).
const EDIT_SECONDS = { min: 3, max: 10 };
// Veo 3.1 extends by a fixed 7 s.
const VEO_EXTENSION_SECONDS = 7;
const SPRITE_COLUMNS = 5;
const SPRITE_TILE_WIDTH = 160;

/** What the request's model makes once it runs: its output files and payload, or the model's error. */
export function produceOutput(record: RequestRecord, deps: OutputDeps): Outcome {
  const id = record.endpointId;
  const input = record.input;
  const clips = record.inputClips ?? {};
  const [source] = clips.video_url ?? clips.media_url ?? [];
  if (id === 'fal-ai/ffmpeg-api/extract-frame' && source)
    return extractFrameOutput(record, deps, source, input.frame_type as FramePosition);
  if (id === 'fal-ai/ffmpeg-api/metadata' && source) return metadataOutput(record, deps, source);
  if (id === 'fal-ai/ffmpeg-api/merge-videos') {
    const merged = mergeSpecs(clips.video_urls ?? [], numberOr(input.target_fps));
    return {
      ...videoOutput(record, deps, merged),
      fields: { metadata: mediaFacts(merged) },
      billableUnits: 1,
    };
  }
  if (id.endsWith('/extend-video') && source) {
    // Veo answers the source and its continuation as one clip (Google's extension does the same).
    const extension = clipSpec({ ...source, seconds: VEO_EXTENSION_SECONDS, seed: record.requestId });
    const stitched = { ...source, scenes: [...source.scenes, ...extension.scenes] };
    return {
      ...videoOutput(record, deps, stitched),
      seed: seedOf(input),
      billableUnits: VEO_EXTENSION_SECONDS,
    };
  }
  if (id.includes('/video-to-video/edit') && source) {
    const seconds = clipSeconds(source);
    const bound = seconds < EDIT_SECONDS.min ? 'short' : seconds > EDIT_SECONDS.max ? 'long' : null;
    if (bound) {
      const limit = bound === 'short' ? EDIT_SECONDS.min : EDIT_SECONDS.max;
      const error = buildModelError(`video_duration_too_${bound}`, {
        prompt: record.prompt,
        field: 'video_url',
        fieldValue: input.video_url,
        limit,
      });
      return { kind: 'error', error };
    }
    const edited = clipSpec({ ...source, seconds, seed: record.requestId });
    return { ...videoOutput(record, deps, edited), seed: seedOf(input), billableUnits: seconds };
  }
  if (id === 'fal-ai/sora-2/video-to-video/remix') return remixOutput(record, deps);
  const clip = requestedClip(id, input, record.startFrame ?? null);
  const spec = clipSpec({ ...clip, seed: record.requestId });
  const video = videoOutput(record, deps, spec, false);
  if (id.startsWith('fal-ai/sora-2/'))
    return { ...video, fields: soraFields(record, deps, spec), seed: seedOf(input) };
  return { ...video, seed: seedOf(input) };
}

/** The request's video file; `spec` given explicitly when its scenes are not the request's own clip. */
function videoOutput(
  record: RequestRecord,
  deps: OutputDeps,
  spec: ClipSpec,
  explicit = true,
): Extract<Outcome, { kind: 'ok' }> {
  const clip = { width: spec.width, height: spec.height, seconds: clipSeconds(spec) };
  const file = deps.files.createOutput(
    record.requestId,
    record.paddingBytes,
    clip,
    record.mediaTtlMs,
    Date.now(),
    explicit ? spec : undefined,
  );
  const size = outputLayout(record.requestId, record.paddingBytes, clip, explicit ? spec : undefined).size;
  return { kind: 'ok', fileId: file.fileId, fileName: file.fileName, fileSize: size };
}

function image(deps: OutputDeps, record: RequestRecord, fileName: string, spec: ImageSpec): FileRef {
  const file = deps.files.createImage(fileName, spec, record.mediaTtlMs);
  const columns = Math.min(spec.columns, spec.tiles.length);
  const rows = Math.ceil(spec.tiles.length / spec.columns);
  return { $file: file.fileId, width: spec.tileWidth * columns, height: spec.tileHeight * rows };
}

function frameImage(
  deps: OutputDeps,
  record: RequestRecord,
  spec: ClipSpec,
  at: FramePosition,
  name: string,
) {
  return image(deps, record, name, {
    tileWidth: spec.width,
    tileHeight: spec.height,
    columns: 1,
    tiles: [frameColour(spec, at)],
  });
}

function extractFrameOutput(
  record: RequestRecord,
  deps: OutputDeps,
  source: ClipSpec,
  position: FramePosition,
): Outcome {
  const frame = frameImage(deps, record, source, position, `${position}_frame.png`);
  return { kind: 'ok', fileId: null, fields: { images: [frame] }, billableUnits: 1 };
}

function metadataOutput(record: RequestRecord, deps: OutputDeps, source: ClipSpec): Outcome {
  const frames =
    record.input.extract_frames === true
      ? {
          start_frame_url: { ...frameImage(deps, record, source, 'first', 'start_frame.png'), urlOnly: true },
          end_frame_url: { ...frameImage(deps, record, source, 'last', 'end_frame.png'), urlOnly: true },
        }
      : {};
  const media = {
    media_type: 'video',
    url: record.input.media_url,
    content_type: 'video/mp4',
    ...mediaFacts(source),
    codec: 'h264',
    container: 'mp4',
    ...frames,
  };
  return { kind: 'ok', fileId: null, fields: { media }, billableUnits: 1 };
}

/** What ffprobe says of a clip, in the ffmpeg-api's field names. */
function mediaFacts(spec: ClipSpec) {
  const frameCount = spec.scenes.reduce(
    (sum, scene) => sum + Math.max(1, Math.round(scene.seconds * spec.fps)),
    0,
  );
  return {
    duration: frameCount / spec.fps,
    fps: spec.fps,
    frame_count: frameCount,
    resolution: { width: spec.width, height: spec.height, aspect_ratio: aspectOf(spec.width, spec.height) },
  };
}

function aspectOf(width: number, height: number): string {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const d = gcd(width, height);
  return `${width / d}:${height / d}`;
}

/** Sora's extras: OpenAI's video id (remixable when made with delete_video false), a thumbnail and a spritesheet. */
function soraFields(record: RequestRecord, deps: OutputDeps, spec: ClipSpec): Record<string, unknown> {
  const tileHeight = Math.max(2, Math.round((SPRITE_TILE_WIDTH * spec.height) / spec.width / 2) * 2);
  return {
    video_id: `video_${randomBytes(24).toString('hex')}`,
    thumbnail: frameImage(deps, record, spec, 'first', 'thumbnail.png'),
    spritesheet: image(deps, record, 'spritesheet.png', {
      tileWidth: SPRITE_TILE_WIDTH,
      tileHeight,
      columns: SPRITE_COLUMNS,
      tiles: spec.scenes.map((scene) => scene.rgb),
    }),
  };
}

function remixOutput(record: RequestRecord, deps: OutputDeps): Outcome {
  const videoId = String(record.input.video_id);
  const original = deps.findSoraVideo(videoId);
  const kept = original?.input.delete_video === false;
  const source = original?.outcome?.kind === 'ok' ? original.outcome : undefined;
  const sourceFile = source?.fileId ? deps.files.get(source.fileId) : undefined;
  const clip = sourceFile?.source.kind === 'output' ? sourceFile.source.clip : undefined;
  if (!kept || !clip) {
    const error = buildModelError('video_not_remixable', { prompt: record.prompt, fieldValue: videoId });
    return { kind: 'error', error };
  }
  // A remix keeps the original's frame and length.
  const spec = clipSpec({ ...clip, seed: record.requestId });
  const video = videoOutput(record, deps, spec, false);
  return {
    ...video,
    fields: soraFields(record, deps, spec),
    seed: seedOf(record.input),
    billableUnits: clip.seconds,
  };
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

// A caller-chosen seed is echoed (Seedance/Veo); otherwise a fresh 64-bit one like the real models.
function seedOf(input: Record<string, unknown>): string {
  const seed = input.seed;
  if (typeof seed === 'bigint' && seed >= 0n) return String(seed);
  if (typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0) return String(seed);
  return String(randomSeed());
}
