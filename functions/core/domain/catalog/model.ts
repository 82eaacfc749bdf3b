import type { VideoSpec } from '../job.ts';
import type { SizeOption } from './sizes.ts';

export type VideoOption = 'generateAudio' | 'seed' | 'negativePrompt';

/** A model as Reelay offers it: what a client may ask, how that becomes fal's input, and what it costs. */
export interface ModelSpec {
  name: string;
  /** Other names clients use for it (OpenAI's dated snapshots). */
  aliases?: readonly string[];
  title: string;
  endpoints: { textToVideo: string; imageToVideo: string };
  seconds: readonly string[];
  defaultSeconds: string;
  sizes: readonly SizeOption[];
  defaultSize: string;
  /** Aspect ratio values accepted only with an input image (fal picks the frame's own). */
  imageOnlyAspectRatios?: readonly string[];
  options: readonly VideoOption[];
  defaultGenerateAudio?: boolean;
  maxPromptLength: number;
  /** fal lets this model's safety checker be switched off (`enable_safety_checker`). */
  safetyCheckerSwitch?: boolean;
  /** Sora remixes its own videos (kept at OpenAI); other models' videos are edited by Kling O3 (edits.ts). */
  remix?: true;
  /** How the model continues a video: fal's native extension (Veo 3.1), or from its last frame. */
  extend: 'native' | 'last_frame';
  /** Typical wall time of one generation at fal, for progress and ETA. */
  typicalGenerationSeconds: number;
  priceUsd(spec: VideoSpec): number;
  /** fal's input for the chosen endpoint; the safety checker is on wherever the model has one. */
  falInput(spec: VideoSpec): Record<string, unknown>;
}

/** Drops undefined fields so fal sees only what was chosen. */
export function compact(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}

export function roundUsd(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
