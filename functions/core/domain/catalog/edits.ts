import { invalidRequest } from '../../errors.ts';
import type { Job, VideoSpec } from '../job.ts';
import type { ResolvedJob } from './index.ts';
import { roundUsd } from './model.ts';
import { sora2, sora2Pro } from './sora.ts';

/**
 * Edits and remix of a finished video (`POST /v1/videos/edits`, `…/{id}/remix`): a Sora source kept
 * at OpenAI is remixed by Sora itself (fal's `sora-2/video-to-video/remix` with OpenAI's video id);
 * any other source is edited by Kling O3 from a short-lived URL of its archived copy.
 */

/** A model that edits videos it did not make, from their file. */
export interface EditModel {
  name: string;
  title: string;
  endpoint: string;
  pricePerSecondUsd: number;
  typicalGenerationSeconds: number;
  /** What fal's endpoint takes (fal.md: 3–10 s, 720–2160 px). */
  minSeconds: number;
  maxSeconds: number;
  minSide: number;
  maxSide: number;
}

const klingO3 = (tier: 'pro' | 'standard', pricePerSecondUsd: number): EditModel => ({
  name: tier === 'pro' ? 'kling-o3-edit' : 'kling-o3-standard-edit',
  title: `Kling O3 ${tier === 'pro' ? 'Pro' : 'Standard'} video edit`,
  endpoint: `fal-ai/kling-video/o3/${tier}/video-to-video/edit`,
  pricePerSecondUsd,
  typicalGenerationSeconds: 120,
  minSeconds: 3,
  maxSeconds: 10,
  minSide: 720,
  maxSide: 2160,
});

/** The edit models, the first the default (prices are Reelay's estimates of fal's per-second rates). */
export const EDIT_MODELS: readonly EditModel[] = [klingO3('pro', 0.168), klingO3('standard', 0.126)];

export const SORA_REMIX_ENDPOINT = 'fal-ai/sora-2/video-to-video/remix';
const SORA_MODELS = [sora2, sora2Pro];

/** The source of an edit, as the tenant's finished video. */
export type EditSource = Pick<Job, 'id' | 'state' | 'spec' | 'openaiVideoId' | 'archive'>;

export interface EditAsk {
  prompt: string;
  model?: string;
  kind: 'remix' | 'edit';
}

const RESOLUTION_SIDES: Record<string, number> = {
  '480p': 480,
  '720p': 720,
  '1080p': 1080,
  true_1080p: 1080,
  '4k': 2160,
};

/** The frame's short side: from its size, or (an image-led `auto` frame) from its resolution. */
function shortSide(spec: VideoSpec): number | undefined {
  const match = /^(\d+)x(\d+)$/.exec(spec.size);
  if (match) return Math.min(Number(match[1]), Number(match[2]));
  return RESOLUTION_SIDES[spec.resolution];
}

/**
 * What an edit of `source` becomes: its fal endpoint and input, its spec (the source's frame and
 * length with the new prompt) and its price. `sourceUrl` is a short-lived URL of the archived source
 * (Kling reads the file; Sora needs only OpenAI's id). Every refusal is a 400 naming `video`.
 */
export function resolveEdit(source: EditSource, ask: EditAsk, sourceUrl: string): ResolvedJob {
  if (source.state !== 'completed' || !source.archive) {
    throw invalidRequest(
      `Video ${source.id} is ${source.state === 'failed' ? 'failed' : 'not completed yet'}; only a completed video can be edited.`,
      'video',
    );
  }
  const sora = SORA_MODELS.find((model) => model.name === source.spec.model);
  const base: VideoSpec = {
    model: source.spec.model,
    prompt: ask.prompt,
    seconds: source.spec.seconds,
    size: source.spec.size,
    resolution: source.spec.resolution,
    aspectRatio: source.spec.aspectRatio,
    source: { videoId: source.id, kind: ask.kind },
  };
  if (sora) {
    if (ask.model !== undefined && ask.model !== sora.name && !sora.aliases?.includes(ask.model))
      throw invalidRequest(
        `Video ${source.id} was made by ${sora.name}, which remixes it; model must be ${sora.name}.`,
        'model',
      );
    if (!source.openaiVideoId || !source.spec.keepAtOpenAI) {
      throw invalidRequest(
        `Video ${source.id} cannot be remixed: it was made without keeping it at OpenAI (delete_video), so Sora no longer has it. Sora videos made while REELAY_KEEP_SORA_VIDEOS is on can be.`,
        'video',
      );
    }
    const spec: VideoSpec = { ...base, keepAtOpenAI: true };
    return {
      spec,
      falEndpoint: SORA_REMIX_ENDPOINT,
      falInput: { video_id: source.openaiVideoId, prompt: ask.prompt, delete_video: false },
      estimatedCostUsd: sora.priceUsd(spec),
      typicalGenerationSeconds: sora.typicalGenerationSeconds,
    };
  }
  const model = EDIT_MODELS.find((candidate) => candidate.name === (ask.model ?? EDIT_MODELS[0]?.name));
  if (!model) {
    throw invalidRequest(
      `Video ${source.id} is edited by ${EDIT_MODELS.map((m) => m.name).join(' or ')}, not ${ask.model}.`,
      'model',
    );
  }
  const seconds = Number(source.spec.seconds);
  if (seconds < model.minSeconds || seconds > model.maxSeconds) {
    throw invalidRequest(
      `${model.name} edits videos of ${model.minSeconds} to ${model.maxSeconds} seconds; video ${source.id} lasts ${seconds}.`,
      'video',
    );
  }
  const side = shortSide(source.spec);
  if (side !== undefined && (side < model.minSide || side > model.maxSide)) {
    throw invalidRequest(
      `${model.name} edits videos of ${model.minSide} to ${model.maxSide} px on the short side; video ${source.id} is ${source.spec.size === 'auto' ? source.spec.resolution : source.spec.size}.`,
      'video',
    );
  }
  const spec: VideoSpec = { ...base, model: model.name };
  return {
    spec,
    falEndpoint: model.endpoint,
    falInput: { prompt: ask.prompt, video_url: sourceUrl, keep_audio: true },
    estimatedCostUsd: roundUsd(model.pricePerSecondUsd * seconds),
    typicalGenerationSeconds: model.typicalGenerationSeconds,
  };
}
