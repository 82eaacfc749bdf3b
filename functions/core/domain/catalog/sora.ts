import { compact, type ModelSpec, roundUsd } from './model.ts';
import { sizeGrid } from './sizes.ts';

const SECONDS = ['4', '8', '12', '16', '20'];

/** Sora has no seed, negative prompt or safety switch; fal's schema takes its duration as a string ("4"…"20"). */
function soraInput(spec: Parameters<ModelSpec['falInput']>[0]) {
  return compact({
    prompt: spec.prompt,
    duration: spec.seconds,
    resolution: spec.resolution,
    aspect_ratio: spec.aspectRatio,
    image_url: spec.imageUrl,
    // fal's default deletes the video at OpenAI, after which it "cannot be used for remixing"
    ...(spec.keepAtOpenAI && { delete_video: false }),
  });
}

export const sora2: ModelSpec = {
  name: 'sora-2',
  aliases: ['sora-2-2025-10-06', 'sora-2-2025-12-08'],
  title: 'OpenAI Sora 2',
  endpoints: { textToVideo: 'fal-ai/sora-2/text-to-video', imageToVideo: 'fal-ai/sora-2/image-to-video' },
  seconds: SECONDS,
  defaultSeconds: '4',
  sizes: sizeGrid(['720p'], ['16:9', '9:16']),
  defaultSize: '1280x720',
  imageOnlyAspectRatios: ['auto'],
  options: [],
  maxPromptLength: 4_000,
  remix: true,
  extend: 'last_frame',
  typicalGenerationSeconds: 90,
  priceUsd: (spec) => roundUsd(0.1 * Number(spec.seconds)),
  falInput: soraInput,
};

/** Sora 2 Pro's 1080p is OpenAI's 1792×1024 frame; `true_1080p` is full HD. */
export const sora2Pro: ModelSpec = {
  name: 'sora-2-pro',
  aliases: ['sora-2-pro-2025-10-06'],
  title: 'OpenAI Sora 2 Pro',
  endpoints: {
    textToVideo: 'fal-ai/sora-2/text-to-video/pro',
    imageToVideo: 'fal-ai/sora-2/image-to-video/pro',
  },
  seconds: SECONDS,
  defaultSeconds: '4',
  sizes: [
    ...sizeGrid(['720p'], ['16:9', '9:16']),
    { size: '1792x1024', resolution: '1080p', aspectRatio: '16:9' },
    { size: '1024x1792', resolution: '1080p', aspectRatio: '9:16' },
    { size: '1920x1080', resolution: 'true_1080p', aspectRatio: '16:9' },
    { size: '1080x1920', resolution: 'true_1080p', aspectRatio: '9:16' },
  ],
  defaultSize: '1280x720',
  imageOnlyAspectRatios: ['auto'],
  options: [],
  maxPromptLength: 4_000,
  remix: true,
  extend: 'last_frame',
  typicalGenerationSeconds: 180,
  priceUsd: (spec) => roundUsd((spec.resolution === '720p' ? 0.3 : 0.5) * Number(spec.seconds)),
  falInput: soraInput,
};
