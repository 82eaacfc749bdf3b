import { type CostBasis, costOf, wholeEstimateUsd } from './cost.ts';
import { isTerminalEvent } from './events.ts';
import type { Job } from './job.ts';
import { jobStatus } from './job.ts';
import { CALLBACK_SINK } from './outbox.ts';
import { estimateProgress } from './progress.ts';
import { sequenceIdOf } from './sequence.ts';

/** OpenAI's video object, plus Reelay's extensions (the fal parameters used, estimates). */
export interface VideoObject {
  id: string;
  object: 'video';
  status: 'queued' | 'in_progress' | 'completed' | 'failed';
  progress: number;
  created_at: number;
  completed_at: number | null;
  expires_at: number | null;
  model: string;
  prompt: string;
  seconds: string;
  size: string;
  remixed_from_video_id: string | null;
  /** Reelay's: the video an extension continues (OpenAI's extensions name it nowhere else). */
  extended_from_video_id?: string;
  /** Reelay's: the sequence whose scenes this video merges. */
  sequence_id?: string;
  error: { code: string; message: string } | null;
  resolution: string;
  aspect_ratio: string;
  generate_audio?: boolean;
  seed?: number;
  negative_prompt?: string;
  image_url?: string;
  metadata?: Record<string, string>;
  callback_url?: string;
  /** When callback_url was given: how telling it went (`waiting` until the video ends). */
  callback?: CallbackState;
  enable_safety_checker?: false;
  /** The style preset applied, or null. */
  style: string | null;
  /** What was sent to fal and screened; `prompt` is what the client wrote. */
  final_prompt: string;
  enhanced_prompt?: string;
  prompt_enhancement?: { status: 'enhanced' | 'unavailable'; reason?: string };
  fallback_models?: string[];
  models_tried?: Array<{ model: string; reason: string; skipped: boolean }>;
  estimated_completion_at: number | null;
  estimated_cost_usd: number;
  /** What the video cost, once it ended (see `cost_basis`); null before. */
  cost_usd: number | null;
  /** `actual` (fal's billable units × unit price), `estimate` (fal reported no units), `not_billed` (no video). */
  cost_basis: CostBasis | null;
  /** Each fal request the job made, with the units fal billed and their cost, once measured. */
  fal_costs?: Array<{
    request_id: string;
    endpoint: string;
    billed: boolean;
    units: number | null;
    unit_price_usd: number | null;
    cost_usd: number | null;
  }>;
  /** While the video waits for a concurrency slot: its place in the tenant's queue, 1 = next; else null. */
  queue_position: number | null;
}

export interface CallbackState {
  status: 'waiting' | 'pending' | 'delivered' | 'failed' | 'disabled';
  attempts: number;
  last_attempt_at: number | null;
  last_status_code: number | null;
  next_retry_at: number | null;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

function callbackState(job: Job): CallbackState {
  // the callback_url hears only the ending event; a progress event in the outbox is not its
  const outbox = job.outbox && isTerminalEvent(job.outbox.event.type) ? job.outbox : undefined;
  const sink = outbox?.sinks?.[CALLBACK_SINK];
  if (!sink)
    return {
      status: outbox ? 'pending' : 'waiting',
      attempts: 0,
      last_attempt_at: null,
      last_status_code: null,
      next_retry_at: null,
    };
  return {
    status: sink.state === 'dead' ? 'failed' : sink.state,
    attempts: sink.attempts,
    last_attempt_at: sink.lastAttemptAt === undefined ? null : seconds(sink.lastAttemptAt),
    last_status_code: sink.lastStatusCode ?? null,
    next_retry_at: sink.state === 'pending' && sink.nextAt !== undefined ? seconds(sink.nextAt) : null,
  };
}

/**
 * `retentionDays` is how long archived videos are kept (null: forever), which sets `expires_at`;
 * `queuePosition` comes from the tenant's queue (functions/core/limits/queue-position.ts).
 */
export function toVideoObject(
  job: Job,
  now: number,
  retentionDays: number | null,
  queuePosition: number | null = null,
): VideoObject {
  const { spec } = job;
  const { progress, estimatedCompletionAt } = estimateProgress(job, now);
  const cost = costOf(job);
  const completedAt = job.state === 'completed' || job.state === 'failed' ? (job.completedAt ?? null) : null;
  const expiresAt =
    job.state === 'completed' && completedAt !== null && retentionDays !== null
      ? seconds(completedAt + retentionDays * 86_400_000)
      : null;
  return {
    id: job.id,
    object: 'video',
    status: jobStatus(job),
    progress,
    created_at: seconds(job.createdAt),
    completed_at: completedAt === null ? null : seconds(completedAt),
    expires_at: expiresAt,
    model: spec.model,
    prompt: spec.creative?.originalPrompt ?? spec.prompt,
    seconds: spec.seconds,
    size: spec.size,
    remixed_from_video_id: spec.source?.videoId ?? null,
    ...(spec.extendedFrom !== undefined && { extended_from_video_id: spec.extendedFrom.videoId }),
    ...(spec.sequence !== undefined && { sequence_id: sequenceIdOf(job.id) }),
    error: job.state === 'failed' && job.error ? { code: job.error.code, message: job.error.message } : null,
    resolution: spec.resolution,
    aspect_ratio: spec.aspectRatio,
    ...(spec.generateAudio !== undefined && { generate_audio: spec.generateAudio }),
    ...(spec.seed !== undefined && { seed: spec.seed }),
    ...(spec.negativePrompt !== undefined && { negative_prompt: spec.negativePrompt }),
    ...(spec.imageUrl !== undefined && { image_url: spec.imageUrl }),
    ...(spec.metadata !== undefined && { metadata: spec.metadata }),
    ...(spec.callbackUrl !== undefined && { callback_url: spec.callbackUrl, callback: callbackState(job) }),
    ...(spec.enableSafetyChecker === false && { enable_safety_checker: false as const }),
    style: spec.creative?.style ?? null,
    final_prompt: spec.prompt,
    ...(spec.creative?.enhancedPrompt !== undefined && { enhanced_prompt: spec.creative.enhancedPrompt }),
    ...(spec.creative?.enhancement !== undefined && { prompt_enhancement: spec.creative.enhancement }),
    ...(spec.fallbackModels !== undefined && { fallback_models: spec.fallbackModels }),
    ...(job.fallback !== undefined && {
      models_tried: job.fallback.tried.map((t) => ({
        model: t.model,
        reason: t.reason,
        skipped: t.skipped === true,
      })),
    }),
    estimated_completion_at: estimatedCompletionAt === null ? null : seconds(estimatedCompletionAt),
    estimated_cost_usd: wholeEstimateUsd(job),
    cost_usd: cost.costUsd,
    cost_basis: cost.basis,
    ...(job.falCosts !== undefined && {
      fal_costs: job.falCosts.map((c) => ({
        request_id: c.requestId,
        endpoint: c.endpoint,
        billed: c.billed,
        units: c.units ?? null,
        unit_price_usd: c.unitPriceUsd ?? null,
        cost_usd: c.costUsd ?? null,
      })),
    }),
    queue_position: job.waitingSince !== undefined ? queuePosition : null,
  };
}
