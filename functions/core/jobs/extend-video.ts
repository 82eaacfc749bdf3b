import type { Deps } from '../deps.ts';
import type { ResolvedVideo } from '../domain/catalog/index.ts';
import {
  checkExtendable,
  EXTENSION_FRAME,
  extendsNatively,
  planExtension,
  planNativeExtension,
} from '../domain/extension.ts';
import { type CreatedVideo, createVideo } from './create-video.ts';
import { getVisibleJob } from './delete-video.ts';
import { sourceVideoUrl } from './source-video-url.ts';

export interface ExtensionAsk {
  videoId: string;
  prompt: string;
  seconds: string;
}

/**
 * `POST /v1/videos/extensions`: a new video that continues one of the tenant's completed videos,
 * through the one create pipeline (limits, creative, validation, safety, idempotency, admission,
 * record, submit) with a plan instead of one request (domain/extension.ts): Veo's own extension
 * where it applies (a Veo source, its fixed 7 s), else by frames (frame → clip → merge).
 */
export async function extendVideo(
  deps: Deps,
  tenant: string,
  ask: ExtensionAsk,
  options: { idempotencyKey?: string } = {},
): Promise<CreatedVideo> {
  const source = await getVisibleJob(deps, tenant, ask.videoId);
  checkExtendable(source, Number(ask.seconds));
  const archive = source.archive as NonNullable<typeof source.archive>;
  const sourceUrl = await sourceVideoUrl(deps, { id: source.id, archive });
  const native = extendsNatively(source, ask.seconds);
  const request = {
    prompt: ask.prompt,
    model: source.spec.model,
    // Veo's own extension has its fixed length: the request is checked at the model's default one
    seconds: native ? undefined : ask.seconds,
    size: source.spec.size,
    ...(source.spec.generateAudio !== undefined && { generateAudio: source.spec.generateAudio }),
  };
  const typical = deps.policy.typicalGenerationMs;
  return createVideo(deps, tenant, request, {
    ...options,
    steps: {
      imageFrom: () => (native ? undefined : EXTENSION_FRAME),
      // the same prompt extending another video is another request (the Idempotency-Key's fingerprint)
      identity: `extension of ${source.id} by ${ask.seconds}`,
      plan: ([asked]) =>
        native
          ? planNativeExtension(asked as ResolvedVideo, source, sourceUrl, typical)
          : planExtension(asked as ResolvedVideo, source, sourceUrl, typical),
    },
  });
}
