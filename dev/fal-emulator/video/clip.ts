import { createHash } from 'node:crypto';
import { idrPicture, pictureParameterSet, repeatPicture, sequenceParameterSet, type Yuv } from './h264.ts';
import { box, childBoxes, muxMp4, readMp4Header } from './mp4.ts';
import { solidPng } from './png.ts';

/**
 * The emulator's videos: real H.264 MP4s of the asked frame size and duration, one flat colour per
 * second (so a player shows them change). Each clip carries its own description in a `free` box,
 * which players skip, so later steps can work on it like fal's ffmpeg endpoints do: merge clips
 * (durations add up) and extract a frame as an image.
 */

export type Rgb = readonly [number, number, number];

export interface Scene {
  seconds: number;
  rgb: Rgb;
}

export interface ClipSpec {
  width: number;
  height: number;
  fps: number;
  scenes: Scene[];
}

const DESCRIPTION_TAG = 'reelay-emulator-clip\n';
export const DEFAULT_FPS = 24;

const toYuv = ([r, g, b]: Rgb): Yuv => [
  16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255,
  128 + (-37.797 * r - 74.203 * g + 112 * b) / 255,
  128 + (112 * r - 93.786 * g - 18.214 * b) / 255,
];

/** A saturated colour picked from `seed` and `index`, stable across runs. */
function colourFor(seed: string, index: number): Rgb {
  const hue = createHash('sha256').update(`${seed}:${index}`).digest().readUInt16BE(0) % 360;
  const f = (n: number) => {
    const k = (n + hue / 60) % 6;
    return Math.round(255 * (1 - 0.8 * Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [f(5), f(3), f(1)];
}

/** A clip of `seconds` at width×height: one scene per second (the last one may be shorter). */
export function clipSpec(options: {
  width: number;
  height: number;
  seconds: number;
  fps?: number;
  seed: string;
}): ClipSpec {
  const scenes: Scene[] = [];
  for (let at = 0, i = 0; at < options.seconds; at += 1, i++)
    scenes.push({ seconds: Math.min(1, options.seconds - at), rgb: colourFor(options.seed, i) });
  return { width: options.width, height: options.height, fps: options.fps ?? DEFAULT_FPS, scenes };
}

const framesOf = (scene: Scene, fps: number) => Math.max(1, Math.round(scene.seconds * fps));

/** Encodes the clip: an IDR picture per scene, repeated by skip-only P pictures. */
export function renderClip(spec: ClipSpec): Buffer {
  if (spec.width < 16 || spec.height < 16 || spec.width % 2 || spec.height % 2)
    throw new RangeError(`clip frame ${spec.width}x${spec.height}: even sizes of at least 16 only`);
  const format = { width: spec.width, height: spec.height };
  const samples: Buffer[][] = [];
  const syncSamples: number[] = [];
  spec.scenes.forEach((scene, index) => {
    syncSamples.push(samples.length);
    samples.push([idrPicture(format, toYuv(scene.rgb), index % 2)]);
    for (let frame = 1; frame < framesOf(scene, spec.fps); frame++)
      samples.push([repeatPicture(format, frame)]);
  });
  const description = box('free', Buffer.from(DESCRIPTION_TAG + JSON.stringify(spec), 'utf8'));
  return muxMp4({
    ...format,
    fps: spec.fps,
    sps: sequenceParameterSet(format),
    pps: pictureParameterSet(),
    samples,
    syncSamples,
    extraBoxes: [description],
  });
}

/** Reads a clip's description back; an MP4 from elsewhere becomes one grey scene of its size and length. */
export function readClip(data: Buffer): ClipSpec {
  for (const { type, start, end } of childBoxes(data)) {
    if (type !== 'free' || data.toString('utf8', start, start + DESCRIPTION_TAG.length) !== DESCRIPTION_TAG)
      continue;
    return JSON.parse(data.toString('utf8', start + DESCRIPTION_TAG.length, end)) as ClipSpec;
  }
  const header = readMp4Header(data);
  return {
    width: header.width,
    height: header.height,
    fps: DEFAULT_FPS,
    scenes: [{ seconds: header.durationSeconds, rgb: [128, 128, 128] }],
  };
}

/** The clips one after another, re-encoded to the first one's frame size and rate (as fal's merge-videos does). */
export function mergeClips(clips: readonly Buffer[]): Buffer {
  return renderClip(mergeSpecs(clips.map(readClip)));
}

/** The scenes of every clip in order, at the first one's frame size and rate (or `fps`). */
export function mergeSpecs(specs: readonly ClipSpec[], fps?: number): ClipSpec {
  const [first] = specs;
  if (!first) throw new RangeError('mergeSpecs needs at least one clip');
  return { ...first, fps: fps ?? first.fps, scenes: specs.flatMap((spec) => spec.scenes) };
}

export function clipSeconds(spec: ClipSpec): number {
  return spec.scenes.reduce((sum, scene) => sum + scene.seconds, 0);
}

export type FramePosition = 'first' | 'middle' | 'last';

/** One frame of a clip as a PNG of the clip's size (fal's extract-frame: first, middle or last). */
export function extractFrame(
  clip: Buffer,
  position: FramePosition = 'first',
): { png: Buffer; width: number; height: number } {
  const spec = readClip(clip);
  const rgb = frameColour(spec, position);
  return { png: solidPng(spec.width, spec.height, rgb), width: spec.width, height: spec.height };
}

/** The colour the clip shows at `position`. */
export function frameColour(spec: ClipSpec, position: FramePosition): Rgb {
  const total = clipSeconds(spec);
  const at = position === 'first' ? 0 : position === 'middle' ? total / 2 : total;
  let elapsed = 0;
  let scene = spec.scenes[0];
  for (const candidate of spec.scenes) {
    scene = candidate;
    elapsed += candidate.seconds;
    if (at < elapsed) break;
  }
  return scene?.rgb ?? [128, 128, 128];
}
