import type { Deps } from '../deps.ts';
import { DEFAULT_MODEL, findModel } from '../domain/catalog/index.ts';
import type { CreativeAsk } from '../domain/creative.ts';
import { checkScenes, planSequence, sceneFrame } from '../domain/sequence.ts';
import { invalidRequest } from '../errors.ts';
import { type CreatedVideo, createVideo } from './create-video.ts';

export interface SequenceAsk extends CreativeAsk {
  model?: string;
  scenes: { prompt: string; seconds?: string }[];
  continuity: boolean;
  size?: string;
  callbackUrl?: string;
  metadata?: Record<string, string>;
}

/**
 * `POST /v1/sequences`: one video made of scenes, through the one create pipeline (every scene
 * styled, validated and screened; the estimate of all scenes, frames and the merge admitted
 * against the budget at once) with the sequence's plan as its steps (domain/sequence.ts).
 */
export async function createSequence(
  deps: Deps,
  tenant: string,
  ask: SequenceAsk,
  options: { idempotencyKey?: string } = {},
): Promise<CreatedVideo> {
  const model = findModel(ask.model ?? DEFAULT_MODEL);
  if (!model) throw invalidRequest(`Unknown model ${ask.model}.`, 'model');
  checkScenes(ask.scenes, model.defaultSeconds);
  const [first, ...rest] = ask.scenes.map((scene) => ({
    prompt: scene.prompt,
    model: model.name,
    seconds: scene.seconds,
    size: ask.size,
    style: ask.style,
    enhancePrompt: ask.enhancePrompt,
  }));
  if (!first) throw invalidRequest('A sequence needs scenes.', 'scenes');
  const request = {
    ...first,
    ...(ask.callbackUrl !== undefined && { callbackUrl: ask.callbackUrl }),
    ...(ask.metadata !== undefined && { metadata: ask.metadata }),
  };
  return createVideo(deps, tenant, request, {
    ...options,
    steps: {
      more: rest,
      imageFrom: (index) => sceneFrame(index, ask.continuity),
      // the scenes after the first, and continuity, are the request too (the Idempotency-Key's fingerprint)
      identity: JSON.stringify({ sequence: rest, continuity: ask.continuity }),
      plan: (scenes) => planSequence(scenes, ask.continuity, deps.policy.typicalGenerationMs),
    },
  });
}
