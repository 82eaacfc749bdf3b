import type { VideoSpec } from '../job.ts';
import { compact, type ModelSpec, roundUsd } from './model.ts';
import { dimensions, sizeGrid } from './sizes.ts';

const FPS = 24;

/** Seedance bills tokens: width·height·fps·seconds/1024, at $2.4 per million with audio, $1.2 without. */
function price(spec: VideoSpec): number {
  // an image-led 'auto' frame is billed like 16:9 at the same resolution
  const size = spec.size === 'auto' ? dimensions(spec.resolution, '16:9') : spec.size;
  const [width, height] = size.split('x').map(Number);
  const tokens = ((width ?? 0) * (height ?? 0) * FPS * Number(spec.seconds)) / 1024;
  const perMillion = spec.generateAudio === false ? 1.2 : 2.4;
  return roundUsd((tokens / 1_000_000) * perMillion);
}

export const seedance: ModelSpec = {
  name: 'seedance-1.5-pro',
  title: 'ByteDance Seedance 1.5 Pro',
  endpoints: {
    textToVideo: 'fal-ai/bytedance/seedance/v1.5/pro/text-to-video',
    imageToVideo: 'fal-ai/bytedance/seedance/v1.5/pro/image-to-video',
  },
  seconds: ['4', '5', '6', '7', '8', '9', '10', '11', '12'],
  defaultSeconds: '5',
  sizes: sizeGrid(['480p', '720p', '1080p'], ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16']),
  defaultSize: '1280x720',
  imageOnlyAspectRatios: ['auto'],
  options: ['generateAudio', 'seed'],
  defaultGenerateAudio: true,
  maxPromptLength: 2_000,
  safetyCheckerSwitch: true,
  extend: 'last_frame',
  typicalGenerationSeconds: 60,
  priceUsd: price,
  falInput: (spec) =>
    compact({
      prompt: spec.prompt,
      duration: spec.seconds,
      resolution: spec.resolution,
      aspect_ratio: spec.aspectRatio,
      generate_audio: spec.generateAudio,
      seed: spec.seed,
      image_url: spec.imageUrl,
      // on unless the operator let this tenant switch it off (TenantLimits.mayDisableSafetyChecker)
      enable_safety_checker: spec.enableSafetyChecker !== false,
    }),
};
