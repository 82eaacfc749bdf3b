import { invalidRequest } from '../errors.ts';
import { FFMPEG } from './catalog/ffmpeg.ts';
import type { ResolvedVideo } from './catalog/index.ts';
import { wholeEstimateUsd } from './cost.ts';
import type { PlannedVideo } from './extension.ts';
import type { Job, JobError, PublicStatus } from './job.ts';
import { jobStatus } from './job.ts';
import { estimateProgress } from './progress.ts';
import { type JobStep, newPlan, stepOutput, totalEstimateUsd } from './steps.ts';

/** A sequence's scenes: at least two (one is a video), at most eight, 120 s in all (as an extended video). */
export const SEQUENCE_LIMITS = { minScenes: 2, maxScenes: 8, maxTotalSeconds: 120 } as const;

export const SEQUENCE_ID_PATTERN = /^seq_[0-9a-f]{32}$/;

/** A sequence is its merged video: one item, one id, named two ways. */
export const sequenceIdOf = (videoId: string): string => videoId.replace(/^video_/, 'seq_');
export const videoIdOf = (sequenceId: string): string => sequenceId.replace(/^seq_/, 'video_');

/** What a sequence's video keeps of how it was asked for. */
export interface SequenceSpec {
  scenes: { prompt: string; seconds: string }[];
  continuity: boolean;
}

/** Scene `index`'s step in the plan: with continuity a frame is taken between scenes. */
const sceneStep = (index: number, continuity: boolean) => (continuity ? 2 * index : index);

/** The image scene `index` starts from: with continuity, the last frame of the scene before it. */
export function sceneFrame(index: number, continuity: boolean): string | undefined {
  return continuity && index > 0 ? stepOutput(sceneStep(index, continuity) - 1) : undefined;
}

/** The scene count and the total length, checked before anything is resolved against the model. */
export function checkScenes(scenes: readonly { seconds?: string }[], defaultSeconds: string): void {
  if (scenes.length < SEQUENCE_LIMITS.minScenes || scenes.length > SEQUENCE_LIMITS.maxScenes)
    throw invalidRequest(
      `A sequence has ${SEQUENCE_LIMITS.minScenes} to ${SEQUENCE_LIMITS.maxScenes} scenes, not ${scenes.length}.`,
      'scenes',
    );
  const total = scenes.reduce((sum, scene) => sum + Number(scene.seconds ?? defaultSeconds), 0);
  if (total > SEQUENCE_LIMITS.maxTotalSeconds)
    throw invalidRequest(
      `A sequence lasts at most ${SEQUENCE_LIMITS.maxTotalSeconds} seconds; these scenes last ${total}.`,
      'scenes',
    );
}

/** The merged video's spec: the first scene's, with every prompt, the total length and the scenes asked for. */
function mergedSpec(scenes: readonly ResolvedVideo[], continuity: boolean): ResolvedVideo['spec'] {
  const first = scenes[0] as ResolvedVideo;
  const sequence: SequenceSpec = {
    scenes: scenes.map((scene) => ({
      prompt: scene.spec.creative?.originalPrompt ?? scene.spec.prompt,
      seconds: scene.spec.seconds,
    })),
    continuity,
  };
  return {
    ...first.spec,
    imageUrl: undefined,
    prompt: scenes.map((scene) => scene.spec.prompt).join('\n\n'),
    seconds: String(scenes.reduce((sum, scene) => sum + Number(scene.spec.seconds), 0)),
    sequence,
  };
}

/**
 * The scenes one after another (with continuity, each from the last frame of the one before,
 * taken by ffmpeg extract-frame), then one ffmpeg merge. Scenes are steps of one job, so the video
 * is one item with one status; the estimate covers every scene, frame and the merge.
 */
export function planSequence(
  scenes: readonly ResolvedVideo[],
  continuity: boolean,
  typicalOverrideMs?: number,
): PlannedVideo {
  const typical = (seconds: number) => typicalOverrideMs ?? seconds * 1000;
  const first = scenes[0];
  if (!first) throw new Error('a sequence needs scenes');
  const steps: JobStep[] = scenes.flatMap((scene, index) => {
    const generate: JobStep = {
      kind: 'generate',
      scene: index,
      endpoint: scene.falEndpoint,
      input: scene.falInput,
      estimatedCostUsd: scene.estimatedCostUsd,
      typicalMs: typical(scene.model.typicalGenerationSeconds),
    };
    if (!continuity || index === scenes.length - 1) return [generate];
    const frame: JobStep = {
      kind: 'extract-frame',
      endpoint: FFMPEG.extractFrame.endpoint,
      input: { video_url: stepOutput(sceneStep(index, continuity)), frame_type: 'last' },
      estimatedCostUsd: FFMPEG.extractFrame.priceUsd,
      typicalMs: typical(FFMPEG.extractFrame.typicalSeconds),
    };
    return [generate, frame];
  });
  steps.push({
    kind: 'merge',
    endpoint: FFMPEG.merge.endpoint,
    input: { video_urls: scenes.map((_, index) => stepOutput(sceneStep(index, continuity))) },
    estimatedCostUsd: FFMPEG.merge.priceUsd,
    typicalMs: typical(FFMPEG.merge.typicalSeconds),
  });
  const step0 = steps[0] as JobStep;
  return {
    ...first,
    spec: mergedSpec(scenes, continuity),
    falEndpoint: step0.endpoint,
    falInput: step0.input,
    estimatedCostUsd: totalEstimateUsd(steps),
    plan: newPlan(steps),
    typicalGenerationMs: step0.typicalMs,
  };
}

/** What a job of a parallel sequence is recorded with: the merged video's, or a scene's. */
export interface SequencePart {
  spec: ResolvedVideo['spec'];
  falEndpoint: string;
  falInput: Record<string, unknown>;
  estimatedCostUsd: number;
  /** The merged video's: what its scenes are estimated to cost (domain/cost.ts `wholeEstimateUsd`). */
  scenesEstimateUsd?: number;
  typicalGenerationMs: number;
}

/**
 * Scenes without continuity: each scene a job of its own (generated in parallel, each with its
 * slot and budget share; domain/scenes.ts), and the sequence's video the merge of their outputs,
 * whose URLs the join fills in. The merged video's estimate is the merge's share; it carries its
 * scenes' as `scenesEstimateUsd` (domain/cost.ts `wholeEstimateUsd`).
 */
export function planParallelSequence(
  scenes: readonly ResolvedVideo[],
  typicalOverrideMs?: number,
): { video: SequencePart; scenes: SequencePart[] } {
  const typical = (seconds: number) => typicalOverrideMs ?? seconds * 1000;
  const first = scenes[0];
  if (!first) throw new Error('a sequence needs scenes');
  return {
    video: {
      spec: mergedSpec(scenes, false),
      falEndpoint: FFMPEG.merge.endpoint,
      falInput: { video_urls: [] },
      estimatedCostUsd: FFMPEG.merge.priceUsd,
      scenesEstimateUsd: totalEstimateUsd(scenes),
      typicalGenerationMs: typical(FFMPEG.merge.typicalSeconds),
    },
    // the sequence's video carries the callback and the metadata; a scene tells nobody
    scenes: scenes.map((scene) => ({
      spec: { ...scene.spec, callbackUrl: undefined, metadata: undefined },
      falEndpoint: scene.falEndpoint,
      falInput: scene.falInput,
      estimatedCostUsd: scene.estimatedCostUsd,
      typicalGenerationMs: typical(scene.model.typicalGenerationSeconds),
    })),
  };
}

export interface SceneObject {
  index: number;
  prompt: string;
  seconds: string;
  status: PublicStatus;
  error: JobError | null;
}

export interface SequenceObject {
  id: string;
  object: 'sequence';
  status: PublicStatus;
  progress: number;
  model: string;
  continuity: boolean;
  style: string | null;
  seconds: string;
  size: string;
  created_at: number;
  completed_at: number | null;
  /** The merged video: an ordinary video (listed, downloadable, extendable). */
  video_id: string;
  scenes: SceneObject[];
  error: JobError | null;
  estimated_cost_usd: number;
}

const EARLIER_SCENE_FAILED: JobError = { code: 'cancelled', message: 'An earlier scene failed.' };

/**
 * Each scene's status, read off the plan: a scene is completed once its step is behind the current
 * one; the scene at (or, for a frame taken for it, just after) the current step is the one running,
 * or the one that failed with the video's error; the merge failing fails no scene.
 */
function sceneStatus(job: Job, step: number, isFirstPending: boolean): Pick<SceneObject, 'status' | 'error'> {
  const current = job.plan?.current ?? 0;
  if (job.state === 'completed' || job.state === 'generated' || step < current)
    return { status: 'completed', error: null };
  if (job.state === 'failed')
    return isFirstPending
      ? { status: 'failed', error: job.error ?? null }
      : { status: 'failed', error: EARLIER_SCENE_FAILED };
  if (!isFirstPending) return { status: 'queued', error: null };
  return {
    status: step === current && job.state === 'queued' && job.submitAttempts === 0 ? 'queued' : 'in_progress',
    error: null,
  };
}

/** A parallel scene's status, read off its own job (not yet recorded: queued). */
function childSceneStatus(parent: Job, child: Job | undefined): Pick<SceneObject, 'status' | 'error'> {
  if (!child)
    return parent.state === 'failed'
      ? { status: 'failed', error: EARLIER_SCENE_FAILED }
      : { status: 'queued', error: null };
  const status = jobStatus(child);
  return {
    status,
    error:
      status === 'failed' && child.error ? { code: child.error.code, message: child.error.message } : null,
  };
}

/**
 * A parallel sequence read off its merged video and its scenes' jobs: each scene's status is its
 * job's; progress is the mean of the scenes' and the merge's; the estimate covers all of them.
 */
function parallelSequenceObject(
  parent: Job,
  children: readonly (Job | undefined)[],
  now: number,
): Pick<SequenceObject, 'status' | 'progress' | 'scenes' | 'estimated_cost_usd'> {
  const sequence = parent.spec.sequence as SequenceSpec;
  const scenes = sequence.scenes.map((scene, index) => ({
    index,
    prompt: scene.prompt,
    seconds: scene.seconds,
    ...childSceneStatus(parent, children[index]),
  }));
  const parts = [
    ...sequence.scenes.map((_, index) => {
      const child = children[index];
      return child ? estimateProgress(child, now).progress : 0;
    }),
    parent.awaitingScenes ? 0 : estimateProgress(parent, now).progress,
  ];
  const mean = Math.floor(parts.reduce((sum, part) => sum + part, 0) / parts.length);
  const started = scenes.some((scene) => scene.status !== 'queued');
  const status =
    parent.state === 'queued' && parent.awaitingScenes && !started ? 'queued' : jobStatus(parent);
  return {
    status,
    progress: parent.state === 'completed' ? 100 : parent.state === 'failed' ? 0 : Math.min(99, mean),
    scenes,
    estimated_cost_usd: wholeEstimateUsd(parent),
  };
}

/**
 * The sequence object of a sequence's video; a parallel one (`sceneIds`) reads its scenes from
 * `children` (in scene order, undefined where a scene's job is missing).
 */
export function toSequenceObject(
  job: Job,
  now: number,
  children: readonly (Job | undefined)[] = [],
): SequenceObject {
  const sequence = job.spec.sequence as SequenceSpec;
  const current = job.plan?.current ?? 0;
  const firstPending = sequence.scenes.findIndex(
    (_, index) => sceneStep(index, sequence.continuity) >= current,
  );
  const completedAt = job.state === 'completed' || job.state === 'failed' ? (job.completedAt ?? null) : null;
  return {
    id: sequenceIdOf(job.id),
    object: 'sequence',
    status: jobStatus(job),
    progress: estimateProgress(job, now).progress,
    model: job.spec.model,
    continuity: sequence.continuity,
    style: job.spec.creative?.style ?? null,
    seconds: job.spec.seconds,
    size: job.spec.size,
    created_at: Math.floor(job.createdAt / 1000),
    completed_at: completedAt === null ? null : Math.floor(completedAt / 1000),
    video_id: job.id,
    scenes: sequence.scenes.map((scene, index) => ({
      index,
      prompt: scene.prompt,
      seconds: scene.seconds,
      ...sceneStatus(job, sceneStep(index, sequence.continuity), index === firstPending),
    })),
    error: job.state === 'failed' && job.error ? { code: job.error.code, message: job.error.message } : null,
    estimated_cost_usd: job.estimatedCostUsd,
    ...(job.sceneIds && parallelSequenceObject(job, children, now)),
  };
}
