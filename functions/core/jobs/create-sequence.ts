import type { Deps } from '../deps.ts';
import { DEFAULT_MODEL, findModel } from '../domain/catalog/index.ts';
import type { CreativeAsk } from '../domain/creative.ts';
import { checkScenes, planSequence, sceneFrame } from '../domain/sequence.ts';
import { invalidRequest } from '../errors.ts';
import { type CreatedVideo, createVideo } from './create-video.ts';
import { recordScenes } from './record-scenes.ts';

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
 * styled, validated and screened, the estimate of every scene and the merge admitted at once).
 * With continuity the scenes are steps of one job's plan, each from the last frame of the one
 * before (domain/sequence.ts); without, each scene is a job of its own, generated in parallel and
 * joined by the merge (record-scenes.ts, domain/scenes.ts).
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
      ...(ask.continuity
        ? { plan: (scenes) => planSequence(scenes, true, deps.policy.typicalGenerationMs) }
        : { record: (recording) => recordScenes(deps, tenant, recording) }),
    },
  });
}
