import type { VideoRequest } from './catalog/index.ts';

/**
 * What a create asked of Reelay's creative features, and what came of it. Kept on the job's spec:
 * `spec.prompt` is the final prompt sent to fal (and screened); this keeps how it was made.
 */
export interface CreativeSpec {
  /** The prompt as the client sent it. */
  originalPrompt: string;
  /** The style preset applied, by id. */
  style?: string;
  /** The LLM's rewrite of the original prompt, when `enhance_prompt` worked. */
  enhancedPrompt?: string;
  /** Present when `enhance_prompt` was asked: `enhanced`, or `unavailable` (the original was used) with why. */
  enhancement?: { status: 'enhanced' | 'unavailable'; reason?: string };
}

/** The request fields a client uses to ask for creative help (the rest of VideoRequest is the video itself). */
export interface CreativeAsk {
  style?: string;
  enhancePrompt?: boolean;
}

/** The request as the client made it (what an Idempotency-Key's fingerprint covers), without the creative step's output. */
export function clientRequest(request: VideoRequest): VideoRequest {
  if (!request.creative) return request;
  const { creative, ...asked } = request;
  return { ...asked, prompt: creative.originalPrompt };
}
