import { ReelayError } from '../errors.ts';
import { findModel, type ModelSpec, type ResolvedVideo, resolveVideo } from './catalog/index.ts';
import type { Job, VideoSpec } from './job.ts';

/** A model the job left (it kept failing, or was never tried because it could not take the video). */
export interface TriedModel {
  model: string;
  /** Why it was left: the error that ended its attempts, or why it was skipped. */
  reason: string;
  skipped?: true;
}

/** Fallback bookkeeping on a job that has moved to another model. */
export interface FallbackState {
  tried: TriedModel[];
  /** Generations made by earlier models: the current model's attempts are counted after them. */
  generationBase: number;
  /** The endpoint of each earlier model's request (what its cost is asked of); the rest are `falEndpoint`'s. */
  requestEndpoints?: Record<string, string>;
}

/** The fal endpoint a request of the job went to. */
export function endpointOf(job: Pick<Job, 'falEndpoint' | 'fallback' | 'plan'>, requestId: string): string {
  return (
    job.plan?.requestEndpoints[requestId] ?? job.fallback?.requestEndpoints?.[requestId] ?? job.falEndpoint
  );
}

/** Generations of the job's current model (of its current step, for a multi-step job), the one in flight included. */
export function modelAttempts(job: Pick<Job, 'priorRequestIds' | 'fallback' | 'plan'>): number {
  const base = Math.max(job.fallback?.generationBase ?? 0, job.plan?.stepBase ?? 0);
  return job.priorRequestIds.length - base + 1;
}

/** The job's fallback record with `tried` added (a job failing after its fallbacks were considered). */
export function triedOn(job: Pick<Job, 'fallback'>, tried: TriedModel[]): FallbackState {
  return {
    ...job.fallback,
    tried: [...(job.fallback?.tried ?? []), ...tried],
    generationBase: job.fallback?.generationBase ?? 0,
  };
}

/** Fallback models not yet tried, in the client's order. */
export function remainingFallbacks(job: Pick<Job, 'spec' | 'fallback'>): string[] {
  const left = new Set([job.spec.model, ...(job.fallback?.tried ?? []).map((t) => t.model)]);
  return (job.spec.fallbackModels ?? []).filter((name) => !left.has(name));
}

/** The smallest duration the model offers that is at least what was asked (the video is never shorter). */
function mapSeconds(model: ModelSpec, seconds: string): string | undefined {
  if (model.seconds.includes(seconds)) return seconds;
  return [...model.seconds]
    .filter((s) => Number(s) >= Number(seconds))
    .sort((a, b) => Number(a) - Number(b))[0];
}

/** The same frame if offered, else the same aspect ratio at the same resolution, else at any resolution. */
function mapSize(model: ModelSpec, spec: VideoSpec): string | undefined {
  const same = (s: { size: string }) => s.size === spec.size;
  const aspect = (s: { aspectRatio: string }) => s.aspectRatio === spec.aspectRatio;
  return (
    model.sizes.find(same) ??
    model.sizes.find((s) => aspect(s) && s.resolution === spec.resolution) ??
    model.sizes.find((s) => aspect(s) && s.size === model.defaultSize) ??
    model.sizes.find(aspect)
  )?.size;
}

/**
 * The video as `name` would make it: seconds and size mapped to what it offers, options it lacks
 * dropped (a switched-off safety checker is switched back on). A reason instead when it cannot.
 */
export function mapToModel(spec: VideoSpec, name: string): ResolvedVideo | string {
  const model = findModel(name);
  if (!model) return `${name} is not in the catalog`;
  const seconds = mapSeconds(model, spec.seconds);
  if (!seconds) return `${model.name} offers at most ${model.seconds.at(-1)} seconds, not ${spec.seconds}`;
  const size = spec.size === 'auto' ? undefined : mapSize(model, spec);
  if (spec.size !== 'auto' && !size) return `${model.name} offers no ${spec.aspectRatio} size`;
  try {
    const resolved = resolveVideo({
      prompt: spec.prompt,
      model: model.name,
      seconds,
      ...(size ? { size } : { resolution: spec.resolution, aspectRatio: spec.aspectRatio }),
      ...(model.options.includes('generateAudio') && { generateAudio: spec.generateAudio }),
      ...(model.options.includes('seed') && { seed: spec.seed }),
      ...(model.options.includes('negativePrompt') && { negativePrompt: spec.negativePrompt }),
      ...(model.safetyCheckerSwitch && spec.enableSafetyChecker === false && { enableSafetyChecker: false }),
      imageUrl: spec.imageUrl,
      metadata: spec.metadata,
      callbackUrl: spec.callbackUrl,
      creative: spec.creative,
    });
    // the client's list stays as asked (it names the model now used, so it is not checked again)
    const fallbackModels = spec.fallbackModels;
    return { ...resolved, spec: { ...resolved.spec, ...(fallbackModels && { fallbackModels }) } };
  } catch (error) {
    if (error instanceof ReelayError) return `${model.name}: ${error.message}`;
    throw error;
  }
}
