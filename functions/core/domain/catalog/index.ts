import { invalidRequest } from '../../errors.ts';
import type { CreativeAsk, CreativeSpec } from '../creative.ts';
import type { VideoSpec } from '../job.ts';
import { kling25TurboPro } from './kling.ts';
import type { ModelSpec, VideoOption } from './model.ts';
import { seedance } from './seedance.ts';
import type { SizeOption } from './sizes.ts';
import { sora2, sora2Pro } from './sora.ts';
import { veo31 } from './veo.ts';

export type { ModelSpec } from './model.ts';

export const MODELS: readonly ModelSpec[] = [seedance, sora2, sora2Pro, kling25TurboPro, veo31];
export const DEFAULT_MODEL = seedance.name;

/** A create request after schema validation, before it is checked against the model. */
export interface VideoRequest extends CreativeAsk {
  prompt: string;
  model?: string;
  seconds?: string;
  size?: string;
  resolution?: string;
  aspectRatio?: string;
  generateAudio?: boolean;
  seed?: number;
  negativePrompt?: string;
  imageUrl?: string;
  metadata?: Record<string, string>;
  enableSafetyChecker?: boolean;
  callbackUrl?: string;
  /** Set by the create pipeline from the operator's config, never by a client: Sora keeps the video at OpenAI. */
  keepAtOpenAI?: boolean;
  /** An edit or remix: the tenant's finished video it changes (functions/core/domain/catalog/edits.ts). */
  source?: { videoId: string; kind: 'remix' | 'edit' };
  /** Set by the creative step (functions/core/creative/): `prompt` is then the final prompt. */
  creative?: CreativeSpec;
  /** Models to move to, in order, when this one keeps failing retryably (functions/core/jobs/fallback.ts). */
  fallbackModels?: string[];
}

/** A job as the create pipeline records it: the spec, fal's endpoint and input, its price and typical time. */
export interface ResolvedJob {
  spec: VideoSpec;
  falEndpoint: string;
  falInput: Record<string, unknown>;
  estimatedCostUsd: number;
  typicalGenerationSeconds: number;
}

/** A create resolved against a catalog model. */
export interface ResolvedVideo extends ResolvedJob {
  model: ModelSpec;
}

const OPTION_PARAMS: Record<VideoOption, string> = {
  generateAudio: 'generate_audio',
  seed: 'seed',
  negativePrompt: 'negative_prompt',
};

const list = (values: readonly string[]) => values.join(', ');
const unique = (values: string[]) => [...new Set(values)];

export function findModel(name: string): ModelSpec | undefined {
  return MODELS.find((model) => model.name === name || model.aliases?.includes(name));
}

/** The most fallback models a create may name. */
export const MAX_FALLBACK_MODELS = 3;

/** `fallback_models` by their catalog names: known, distinct, not the primary, at most three. */
function checkFallbackModels(primary: ModelSpec, names: readonly string[] | undefined): string[] | undefined {
  if (names === undefined) return undefined;
  const param = 'fallback_models';
  if (names.length > MAX_FALLBACK_MODELS)
    throw invalidRequest(`fallback_models names at most ${MAX_FALLBACK_MODELS} models.`, param);
  const canonical = names.map((name) => {
    const model = findModel(name);
    if (!model)
      throw invalidRequest(
        `Unknown model ${name} in fallback_models; available: ${list(MODELS.map((m) => m.name))}.`,
        param,
      );
    return model.name;
  });
  if (new Set([primary.name, ...canonical]).size !== canonical.length + 1)
    throw invalidRequest('fallback_models must be distinct and differ from model.', param);
  return canonical;
}

function chooseSize(model: ModelSpec, request: VideoRequest): SizeOption {
  const { size, resolution, aspectRatio } = request;
  if (size !== undefined) {
    const option = model.sizes.find((candidate) => candidate.size === size);
    if (!option) {
      throw invalidRequest(
        `${model.name} cannot make size ${size}; it offers ${list(model.sizes.map((s) => s.size))}.`,
        'size',
      );
    }
    if (resolution !== undefined && resolution !== option.resolution) {
      throw invalidRequest(
        `size ${size} is ${option.resolution}, which contradicts resolution ${resolution}.`,
        'resolution',
      );
    }
    if (aspectRatio !== undefined && aspectRatio !== option.aspectRatio) {
      throw invalidRequest(
        `size ${size} is ${option.aspectRatio}, which contradicts aspect_ratio ${aspectRatio}.`,
        'aspect_ratio',
      );
    }
    return option;
  }
  const fallback = model.sizes.find((candidate) => candidate.size === model.defaultSize) ?? model.sizes[0];
  if (!fallback) throw new Error(`${model.name} has no sizes`);
  if (resolution === undefined && aspectRatio === undefined) return fallback;

  const resolutions = unique(model.sizes.map((s) => s.resolution));
  const wantedResolution = resolution ?? fallback.resolution;
  if (!resolutions.includes(wantedResolution)) {
    throw invalidRequest(
      `${model.name} offers resolution ${list(resolutions)}, not ${wantedResolution}.`,
      'resolution',
    );
  }
  const wantedAspect = aspectRatio ?? fallback.aspectRatio;
  if (model.imageOnlyAspectRatios?.includes(wantedAspect)) {
    if (!request.imageUrl) {
      throw invalidRequest(
        `aspect_ratio ${wantedAspect} needs an input image (input_reference or image_url).`,
        'aspect_ratio',
      );
    }
    return { size: 'auto', resolution: wantedResolution, aspectRatio: wantedAspect };
  }
  const option = model.sizes.find((s) => s.resolution === wantedResolution && s.aspectRatio === wantedAspect);
  if (!option) {
    const aspects = model.sizes.filter((s) => s.resolution === wantedResolution).map((s) => s.aspectRatio);
    throw invalidRequest(
      `${model.name} offers aspect_ratio ${list([...aspects, ...(model.imageOnlyAspectRatios ?? [])])} at ${wantedResolution}, not ${wantedAspect}.`,
      'aspect_ratio',
    );
  }
  return option;
}

/**
 * Checks a request against its model and fills in the model's defaults. Every rejection is a 400
 * that names the field and lists what the model allows.
 */
export function resolveVideo(request: VideoRequest): ResolvedVideo {
  const model = findModel(request.model ?? DEFAULT_MODEL);
  if (!model) {
    throw invalidRequest(
      `Unknown model ${request.model}; available: ${list(MODELS.map((m) => m.name))}.`,
      'model',
    );
  }
  if (request.prompt.length > model.maxPromptLength) {
    throw invalidRequest(
      `${model.name} takes prompts of at most ${model.maxPromptLength} characters.`,
      'prompt',
    );
  }
  const seconds = request.seconds ?? model.defaultSeconds;
  if (!model.seconds.includes(seconds)) {
    throw invalidRequest(`${model.name} offers seconds ${list(model.seconds)}, not ${seconds}.`, 'seconds');
  }
  for (const option of Object.keys(OPTION_PARAMS) as VideoOption[]) {
    if (request[option] !== undefined && !model.options.includes(option)) {
      throw invalidRequest(`${model.name} does not support ${OPTION_PARAMS[option]}.`, OPTION_PARAMS[option]);
    }
  }
  const fallbackModels = checkFallbackModels(model, request.fallbackModels);
  if (request.enableSafetyChecker === false && !model.safetyCheckerSwitch) {
    throw invalidRequest(`${model.name}'s safety checker cannot be switched off.`, 'enable_safety_checker');
  }
  const format = chooseSize(model, request);
  const spec: VideoSpec = {
    model: model.name,
    prompt: request.prompt,
    seconds,
    size: format.size,
    resolution: format.resolution,
    aspectRatio: format.aspectRatio,
    generateAudio: model.options.includes('generateAudio')
      ? (request.generateAudio ?? model.defaultGenerateAudio)
      : undefined,
    seed: request.seed,
    negativePrompt: request.negativePrompt,
    imageUrl: request.imageUrl,
    metadata: request.metadata,
    ...(request.enableSafetyChecker === false && { enableSafetyChecker: false as const }),
    ...(request.callbackUrl !== undefined && { callbackUrl: request.callbackUrl }),
    ...(request.creative !== undefined && { creative: request.creative }),
    ...(fallbackModels !== undefined && fallbackModels.length > 0 && { fallbackModels }),
    ...(request.keepAtOpenAI && model.remix && { keepAtOpenAI: true as const }),
  };
  return {
    model,
    spec,
    falEndpoint: spec.imageUrl ? model.endpoints.imageToVideo : model.endpoints.textToVideo,
    falInput: model.falInput(spec),
    estimatedCostUsd: model.priceUsd(spec),
    typicalGenerationSeconds: model.typicalGenerationSeconds,
  };
}

/**
 * The resolved video with an uploaded image's URL in place of the placeholder it was checked with:
 * the same model, format and price, only fal's input mapped again (nothing is re-validated).
 */
export function withImageUrl(resolved: ResolvedVideo, imageUrl: string): ResolvedVideo {
  const spec = { ...resolved.spec, imageUrl };
  return { ...resolved, spec, falInput: resolved.model.falInput(spec) };
}
