import { compact, type ModelSpec, roundUsd } from './model.ts';
import { sizeGrid } from './sizes.ts';

/** Veo writes its duration with a unit ("8s") and bills by the second, double with audio. */
export const veo31: ModelSpec = {
  name: 'veo-3.1',
  title: 'Google Veo 3.1',
  endpoints: { textToVideo: 'fal-ai/veo3.1', imageToVideo: 'fal-ai/veo3.1/image-to-video' },
  seconds: ['4', '6', '8'],
  defaultSeconds: '8',
  sizes: sizeGrid(['720p', '1080p', '4k'], ['16:9', '9:16']),
  defaultSize: '1280x720',
  options: ['generateAudio', 'seed', 'negativePrompt'],
  defaultGenerateAudio: true,
  maxPromptLength: 4_000,
  extend: 'native',
  typicalGenerationSeconds: 90,
  priceUsd: (spec) => roundUsd((spec.generateAudio === false ? 0.2 : 0.4) * Number(spec.seconds)),
  falInput: (spec) =>
    compact({
      prompt: spec.prompt,
      duration: `${spec.seconds}s`,
      resolution: spec.resolution,
      aspect_ratio: spec.aspectRatio,
      generate_audio: spec.generateAudio,
      negative_prompt: spec.negativePrompt,
      seed: spec.seed,
      image_url: spec.imageUrl,
    }),
};
