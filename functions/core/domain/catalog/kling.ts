import { compact, type ModelSpec, roundUsd } from './model.ts';
import { sizeGrid } from './sizes.ts';

/** Kling renders 1080p only and takes no resolution field: the size only picks the aspect ratio. */
export const kling25TurboPro: ModelSpec = {
  name: 'kling-2.5-turbo-pro',
  title: 'Kling 2.5 Turbo Pro',
  endpoints: {
    textToVideo: 'fal-ai/kling-video/v2.5-turbo/pro/text-to-video',
    imageToVideo: 'fal-ai/kling-video/v2.5-turbo/pro/image-to-video',
  },
  seconds: ['5', '10'],
  defaultSeconds: '5',
  sizes: sizeGrid(['1080p'], ['16:9', '9:16', '1:1']),
  defaultSize: '1920x1080',
  options: ['negativePrompt'],
  maxPromptLength: 2_500,
  extend: 'last_frame',
  typicalGenerationSeconds: 60,
  priceUsd: (spec) => roundUsd(0.35 + 0.07 * Math.max(0, Number(spec.seconds) - 5)),
  falInput: (spec) =>
    compact({
      prompt: spec.prompt,
      duration: spec.seconds,
      // fal's image-to-video takes the frame's own aspect ratio
      aspect_ratio: spec.imageUrl ? undefined : spec.aspectRatio,
      negative_prompt: spec.negativePrompt,
      image_url: spec.imageUrl,
    }),
};
