import { setTimeout as sleep } from 'node:timers/promises';
import { type ClipSpec, clipSpec, renderClip } from './video/clip.ts';

/** What a request's video shows: its frame size and duration. */
export interface OutputClip {
  width: number;
  height: number;
  seconds: number;
}

/** Outputs recorded before clips followed the request (an older state file). */
const LEGACY_CLIP: OutputClip = { width: 1280, height: 720, seconds: 5 };

type Segment = { data: Buffer } | { zeros: number };

/** A file as a list of byte runs, so a 1 GB output is never held in memory. */
export interface MediaLayout {
  size: number;
  segments: Segment[];
}

const ZEROS = Buffer.alloc(1 << 20);
const BOX_32_LIMIT = 0xffffffff;

// A CDN read, a range request and outputBytes() ask for the same few files in a row: keep them.
const rendered = new Map<string, Buffer>();
const RENDERED_KEPT = 8;

/** The request's clip (its size and duration, colours seeded by its id, or the scenes `spec` gives), rendered once. */
function outputClip(requestId: string, clip: OutputClip, spec?: ClipSpec): Buffer {
  const key = spec
    ? `${requestId}:${JSON.stringify(spec)}`
    : `${requestId}:${clip.width}x${clip.height}:${clip.seconds}`;
  let bytes = rendered.get(key);
  if (!bytes) {
    bytes = renderClip(spec ?? clipSpec({ ...clip, seed: requestId }));
    rendered.set(key, bytes);
    if (rendered.size > RENDERED_KEPT) rendered.delete(rendered.keys().next().value as string);
  }
  return bytes;
}

/**
 * The request's clip (dev/fal-emulator/video/) plus one top-level `free` box holding the request id
 * and `paddingBytes` zeros: players skip `free`, so the file stays playable while its bytes are
 * unique per request, and a large output costs no memory.
 */
export function outputLayout(
  requestId: string,
  paddingBytes: number,
  clip: OutputClip = LEGACY_CLIP,
  spec?: ClipSpec,
): MediaLayout {
  const video = outputClip(requestId, clip, spec);
  const tag = Buffer.from(`fal-emulator request_id=${requestId}\n`, 'utf8');
  const payload = tag.length + paddingBytes;
  const small = 8 + payload <= BOX_32_LIMIT;
  const header = Buffer.alloc(small ? 8 : 16);
  header.write('free', 4, 'latin1');
  if (small) header.writeUInt32BE(8 + payload, 0);
  else {
    // ISO BMFF largesize: size field 1, 64-bit size after the type.
    header.writeUInt32BE(1, 0);
    header.writeBigUInt64BE(BigInt(16 + payload), 8);
  }
  const segments: Segment[] = [{ data: video }, { data: Buffer.concat([header, tag]) }];
  if (paddingBytes > 0) segments.push({ zeros: paddingBytes });
  return { size: video.length + header.length + payload, segments };
}

export function bytesLayout(data: Buffer): MediaLayout {
  return { size: data.length, segments: [{ data }] };
}

/** Yields the bytes of [start, end) in chunks of at most `chunkSize`. */
export function* layoutChunks(
  layout: MediaLayout,
  start: number,
  end: number,
  chunkSize: number,
): Generator<Buffer> {
  const step = Math.min(chunkSize, ZEROS.length);
  let offset = 0;
  for (const segment of layout.segments) {
    const length = 'data' in segment ? segment.data.length : segment.zeros;
    const from = Math.max(start, offset);
    const to = Math.min(end, offset + length);
    for (let at = from; at < to; at += step) {
      const n = Math.min(step, to - at);
      yield 'data' in segment ? segment.data.subarray(at - offset, at - offset + n) : ZEROS.subarray(0, n);
    }
    offset += length;
  }
}

export interface StreamOptions {
  chunkSize?: number;
  /** Pause before each chunk: the `slow` CDN fault. */
  chunkDelayMs?: number;
}

/** A pull-based web stream (backpressure-friendly) over [start, end). */
export function layoutStream(
  layout: MediaLayout,
  start: number,
  end: number,
  options: StreamOptions = {},
): ReadableStream<Uint8Array> {
  const chunks = layoutChunks(layout, start, end, options.chunkSize ?? 256 * 1024);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (options.chunkDelayMs) await sleep(options.chunkDelayMs);
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
}

/** The whole file in memory (tests compare archived copies to it). */
export function layoutBuffer(layout: MediaLayout): Buffer {
  return Buffer.concat([...layoutChunks(layout, 0, layout.size, ZEROS.length)], layout.size);
}
