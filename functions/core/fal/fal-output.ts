import { isSafeNumber, parse } from 'lossless-json';
import type { FalOutcome, SettledOutcome } from '../domain/fal-outcome.ts';
import { statusFromWebhookError } from '../domain/fal-outcome.ts';

/** Numbers beyond 2^53 (fal's seeds) stay exact, as strings. */
export function parseFalJson(text: string): unknown {
  return parse(text, null, (value: string) => (isSafeNumber(value) ? Number(value) : value));
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

/** The output's media: `video` (a model, a merge), else the first of `images` (a frame extracted from a video). */
function mediaOf(output: unknown): Record<string, unknown> | undefined {
  const video = record(record(output)?.video);
  if (video) return video;
  const images = record(output)?.images;
  return Array.isArray(images) ? record(images[0]) : undefined;
}

/** A model's output (`{video: {url, …}, seed}`, or a step's `{images: [{url}]}`) as an outcome; one without a media URL is an error. */
export function outcomeFromOutput(requestId: string, output: unknown): SettledOutcome {
  const video = mediaOf(output);
  if (!video || typeof video.url !== 'string') {
    return {
      kind: 'error',
      requestId,
      status: 502,
      body: { detail: 'fal returned no video URL in its output.' },
    };
  }
  const seed = record(output)?.seed;
  const videoId = record(output)?.video_id;
  const imageUrl = (name: string) => {
    const url = record(record(output)?.[name])?.url;
    return typeof url === 'string' ? url : undefined;
  };
  const thumbnailUrl = imageUrl('thumbnail');
  const spritesheetUrl = imageUrl('spritesheet');
  return {
    kind: 'ok',
    requestId,
    video: {
      url: video.url,
      ...(typeof video.content_type === 'string' && { contentType: video.content_type }),
      ...(typeof video.file_size === 'number' && { fileSize: video.file_size }),
      ...(typeof videoId === 'string' && { openaiVideoId: videoId }),
      ...(thumbnailUrl && { thumbnailUrl }),
      ...(spritesheetUrl && { spritesheetUrl }),
    },
    ...(seed !== undefined && seed !== null && { seed: String(seed) }),
  };
}

export interface FalWebhookBody {
  requestId: string;
  outcome: FalOutcome;
}

/** Parses a verified webhook body (the raw bytes fal signed). Returns undefined when it is not fal's shape. */
export function parseFalWebhook(raw: string): FalWebhookBody | undefined {
  let body: Record<string, unknown> | undefined;
  try {
    body = record(parseFalJson(raw));
  } catch {
    return undefined;
  }
  const requestId = body?.request_id;
  if (!body || typeof requestId !== 'string') return undefined;
  if (body.status === 'OK') {
    if (body.payload === null || body.payload === undefined) {
      const reason = typeof body.payload_error === 'string' ? body.payload_error : 'no payload';
      return { requestId, outcome: { kind: 'payload_missing', requestId, reason } };
    }
    return { requestId, outcome: outcomeFromOutput(requestId, body.payload) };
  }
  if (body.status === 'ERROR') {
    return {
      requestId,
      outcome: { kind: 'error', requestId, status: statusFromWebhookError(body.error), body: body.payload },
    };
  }
  return undefined;
}
