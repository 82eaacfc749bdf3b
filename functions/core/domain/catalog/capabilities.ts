import { EDIT_MODELS, SORA_REMIX_ENDPOINT } from './edits.ts';
import { VEO_EXTEND } from './ffmpeg.ts';
import type { ModelSpec } from './model.ts';

/** The operator's settings that decide what a model can do here. */
export interface CapabilitySettings {
  keepSoraVideos: boolean;
  thumbnails: boolean;
}

/** What a client can do with a model's videos, so it can discover rather than guess (`GET /v1/models`). */
export interface ModelCapabilities {
  /**
   * `native`: fal's own extension (Veo 3.1) for the lengths in `native_seconds` (others by frames);
   * `last_frame`: the last frame → image-to-video → merged.
   */
  extend: { method: 'native' | 'last_frame'; fal_endpoint: string | null; native_seconds: string[] };
  /** How `POST /v1/videos/edits` (and `…/remix`) changes this model's videos, or null when it cannot. */
  edit: {
    method: 'remix' | 'video_to_video';
    fal_endpoint: string;
    models: { id: string; fal_endpoint: string; price_per_second_usd: number }[];
    min_seconds: number | null;
    max_seconds: number | null;
    min_side: number | null;
  } | null;
  /** Which `?variant=` images its videos have: Sora's own, or a frame fal draws (extract-frame). */
  thumbnail: 'model' | 'extracted_frame' | null;
  spritesheet: boolean;
}

export function capabilitiesOf(model: ModelSpec, settings: CapabilitySettings): ModelCapabilities {
  const remix = model.remix === true;
  const editModels = EDIT_MODELS.map((m) => ({
    id: m.name,
    fal_endpoint: m.endpoint,
    price_per_second_usd: m.pricePerSecondUsd,
  }));
  const [kling] = EDIT_MODELS;
  let edit: ModelCapabilities['edit'] = null;
  if (remix && settings.keepSoraVideos) {
    edit = {
      method: 'remix',
      fal_endpoint: SORA_REMIX_ENDPOINT,
      models: [],
      min_seconds: null,
      max_seconds: null,
      min_side: null,
    };
  } else if (!remix && kling) {
    edit = {
      method: 'video_to_video',
      fal_endpoint: kling.endpoint,
      models: editModels,
      min_seconds: kling.minSeconds,
      max_seconds: kling.maxSeconds,
      min_side: kling.minSide,
    };
  }
  return {
    extend:
      model.extend === 'native'
        ? { method: 'native', fal_endpoint: VEO_EXTEND.endpoint, native_seconds: [VEO_EXTEND.seconds] }
        : { method: 'last_frame', fal_endpoint: null, native_seconds: [] },
    edit,
    thumbnail: settings.thumbnails ? (remix ? 'model' : 'extracted_frame') : null,
    spritesheet: settings.thumbnails && remix,
  };
}
