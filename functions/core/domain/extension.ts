import { invalidRequest } from '../errors.ts';
import { FFMPEG, VEO_EXTEND } from './catalog/ffmpeg.ts';
import { findModel, type ResolvedVideo } from './catalog/index.ts';
import { compact, roundUsd } from './catalog/model.ts';
import type { Job } from './job.ts';
import { type JobPlan, type JobStep, newPlan, stepOutput, totalEstimateUsd } from './steps.ts';

/** OpenAI's limits on extensions (POST /videos/extensions). */
export const EXTENSION_LIMITS = { maxSeconds: 20, maxChain: 6, maxTotalSeconds: 120 } as const;

/** Where the new clip's first frame comes from while the request is checked: the first step's output. */
export const EXTENSION_FRAME = stepOutput(0);

/** A resolved video made by several steps: what create records instead of a single fal request. */
export interface PlannedVideo extends ResolvedVideo {
  plan: JobPlan;
  typicalGenerationMs: number;
}

/**
 * Whether `source` can be extended by `seconds` more: completed, within the chain's six
 * extensions and its 120 s. A clear 400 says which limit; the caller answers 404 for a video the
 * tenant cannot see before asking.
 */
export function checkExtendable(source: Pick<Job, 'state' | 'spec' | 'archive'>, seconds: number): void {
  if (source.state !== 'completed' || !source.archive)
    throw invalidRequest('Only a completed video can be extended; this one is not.', 'video');
  if (seconds > EXTENSION_LIMITS.maxSeconds)
    throw invalidRequest(`An extension adds at most ${EXTENSION_LIMITS.maxSeconds} seconds.`, 'seconds');
  const chain = (source.spec.extendedFrom?.chain ?? 0) + 1;
  if (chain > EXTENSION_LIMITS.maxChain)
    throw invalidRequest(
      `A video can be extended at most ${EXTENSION_LIMITS.maxChain} times; this one already was.`,
      'video',
    );
  const total = Number(source.spec.seconds) + seconds;
  if (total > EXTENSION_LIMITS.maxTotalSeconds)
    throw invalidRequest(
      `An extended video lasts at most ${EXTENSION_LIMITS.maxTotalSeconds} seconds; this one would last ${total}.`,
      'seconds',
    );
}

/**
 * An extension by frames, for any model: the source's last frame (ffmpeg extract-frame) → the
 * model's image-to-video with the new prompt (`clip`, resolved with `EXTENSION_FRAME` as its image)
 * → ffmpeg merge of source and new clip. The video's `seconds` is the stitched total; the estimate
 * covers every step. `sourceUrl` is a download URL of the archived source that fal can fetch.
 */
export function planExtension(
  clip: ResolvedVideo,
  source: Pick<Job, 'id' | 'spec'>,
  sourceUrl: string,
  typicalOverrideMs?: number,
): PlannedVideo {
  const typical = (seconds: number) => typicalOverrideMs ?? seconds * 1000;
  const steps: JobStep[] = [
    {
      kind: 'extract-frame',
      endpoint: FFMPEG.extractFrame.endpoint,
      input: { video_url: sourceUrl, frame_type: 'last' },
      estimatedCostUsd: FFMPEG.extractFrame.priceUsd,
      typicalMs: typical(FFMPEG.extractFrame.typicalSeconds),
    },
    {
      kind: 'generate',
      endpoint: clip.falEndpoint,
      input: clip.falInput,
      estimatedCostUsd: clip.estimatedCostUsd,
      typicalMs: typical(clip.model.typicalGenerationSeconds),
    },
    {
      kind: 'merge',
      endpoint: FFMPEG.merge.endpoint,
      input: { video_urls: [sourceUrl, stepOutput(1)] },
      estimatedCostUsd: FFMPEG.merge.priceUsd,
      typicalMs: typical(FFMPEG.merge.typicalSeconds),
    },
  ];
  const plan = newPlan(steps);
  const first = steps[0] as JobStep;
  return {
    ...clip,
    spec: {
      ...clip.spec,
      // the frame is the plan's business: the video itself was asked without an image
      imageUrl: undefined,
      seconds: String(Number(source.spec.seconds) + Number(clip.spec.seconds)),
      extendedFrom: { videoId: source.id, chain: (source.spec.extendedFrom?.chain ?? 0) + 1 },
    },
    falEndpoint: first.endpoint,
    falInput: first.input,
    estimatedCostUsd: totalEstimateUsd(steps),
    plan,
    typicalGenerationMs: first.typicalMs,
  };
}

const VEO_EXTEND_SECONDS = VEO_EXTEND.seconds;

/** Whether `source` is extended by `seconds` through Veo's own extension instead of by frames. */
export function extendsNatively(source: Pick<Job, 'spec'>, seconds: string): boolean {
  return (
    findModel(source.spec.model)?.extend === 'native' &&
    seconds === VEO_EXTEND_SECONDS &&
    (source.spec.resolution === '720p' || source.spec.resolution === '1080p')
  );
}

/**
 * Veo 3.1's own extension: one request (`fal-ai/veo3.1/extend-video`) given the archived source,
 * whose output is the source and the new 7 s as one clip (archived like any video). `asked` is the
 * request as resolved against the model (its prompt, audio and format); its length is Veo's fixed one.
 */
export function planNativeExtension(
  asked: ResolvedVideo,
  source: Pick<Job, 'id' | 'spec'>,
  sourceUrl: string,
  typicalOverrideMs?: number,
): PlannedVideo {
  const seconds = Number(VEO_EXTEND_SECONDS);
  const spec = { ...asked.spec, imageUrl: undefined, seconds: VEO_EXTEND_SECONDS };
  const step: JobStep = {
    kind: 'extend',
    endpoint: VEO_EXTEND.endpoint,
    input: compact({
      prompt: spec.prompt,
      video_url: sourceUrl,
      duration: `${seconds}s`,
      resolution: source.spec.resolution,
      aspect_ratio: source.spec.aspectRatio,
      generate_audio: spec.generateAudio,
      negative_prompt: spec.negativePrompt,
      seed: spec.seed,
    }),
    estimatedCostUsd: roundUsd(asked.model.priceUsd(spec)),
    typicalMs: typicalOverrideMs ?? asked.model.typicalGenerationSeconds * 1000,
  };
  return {
    ...asked,
    spec: {
      ...spec,
      seconds: String(Number(source.spec.seconds) + seconds),
      extendedFrom: { videoId: source.id, chain: (source.spec.extendedFrom?.chain ?? 0) + 1 },
    },
    falEndpoint: step.endpoint,
    falInput: step.input,
    estimatedCostUsd: step.estimatedCostUsd,
    plan: newPlan([step]),
    typicalGenerationMs: step.typicalMs,
  };
}
