import { isNumber, isSafeNumber } from 'lossless-json';
import type { FalOutcome, SettledOutcome } from '../domain/fal-outcome.ts';
import { statusFromWebhookError } from '../domain/fal-outcome.ts';

/** A number token that might not survive a double: 16 or more digits and points, or an exponent. */
const MAYBE_UNSAFE = /\d[\d.]{15}|\d[eE]/;

const isNumberChar = (code: number) =>
  (code >= 48 && code <= 57) || code === 46 || code === 101 || code === 69 || code === 43 || code === 45;

/**
 * The text with every number a double cannot hold exactly (lossless-json's `isSafeNumber`) written
 * as a string: `"17454220438242315174"`. Strings are skipped whole, escapes included; a token that
 * is not a JSON number is left for `JSON.parse` to refuse.
 */
export function quoteUnsafeNumbers(text: string): string {
  let out = '';
  let copied = 0;
  // a number is a value only where a value may start (the text's start, after `:`, `[` or `,`), so
  // quoting never makes a number in a key's place a valid key
  let valueMayStart = true;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 32 || code === 9 || code === 10 || code === 13) continue;
    if (code === 34) {
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
    } else if (code === 45 || (code >= 48 && code <= 57)) {
      let end = i + 1;
      while (end < text.length && isNumberChar(text.charCodeAt(end))) end++;
      const token = text.slice(i, end);
      if (valueMayStart && isNumber(token) && !isSafeNumber(token)) {
        out += `${text.slice(copied, i)}"${token}"`;
        copied = end;
      }
      i = end - 1;
    }
    valueMayStart = code === 58 || code === 91 || code === 44;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * Numbers beyond 2^53 (fal's seeds) stay exact, as strings; every other number is a number. The
 * same values as lossless-json's parser at a third of its CPU (BENCHMARKS.md §2): `JSON.parse`, after
 * quoting what it would round, and only when a cheap scan finds a long number or an exponent at all.
 * Unlike lossless-json, a repeated key keeps its last value, as `JSON.parse` does.
 */
export function parseFalJson(text: string): unknown {
  return JSON.parse(MAYBE_UNSAFE.test(text) ? quoteUnsafeNumbers(text) : text);
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
