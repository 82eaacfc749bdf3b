import type { FalRequestCost } from './cost.ts';
import type { CreativeSpec } from './creative.ts';
import type { FallbackState } from './fallback.ts';
import type { Lease } from './lease.ts';
import type { Outbox } from './outbox.ts';
import type { SequenceSpec } from './sequence.ts';
import type { JobPlan } from './steps.ts';

/** Internal job states (DESIGN.md "The job"). */
export const JOB_STATES = ['queued', 'submitted', 'generated', 'completed', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const ACTIVE_STATES = ['queued', 'submitted', 'generated'] as const satisfies readonly JobState[];
export type ActiveState = (typeof ACTIVE_STATES)[number];

export type PublicStatus = 'queued' | 'in_progress' | 'completed' | 'failed';

export interface JobError {
  code: string;
  message: string;
}

/** What the client asked for, after validation and defaults: everything needed to (re)build fal's input. */
export interface VideoSpec {
  model: string;
  prompt: string;
  seconds: string;
  size: string;
  resolution: string;
  aspectRatio: string;
  generateAudio?: boolean;
  seed?: number;
  negativePrompt?: string;
  imageUrl?: string;
  metadata?: Record<string, string>;
  /** Present (false) only when an allowed tenant switched the model's safety checker off. */
  enableSafetyChecker?: false;
  /** Where the client asked to be told when the video ends (checked against SSRF at creation and at every send). */
  callbackUrl?: string;
  /** Style and prompt enhancement: how `prompt` (the final prompt sent to fal) was made. */
  creative?: CreativeSpec;
  /** Models to move to, in order, when `model` keeps failing retryably (by catalog name). */
  fallbackModels?: string[];
  /** An extension: the video it continues, and how many extensions the chain holds with this one. */
  extendedFrom?: { videoId: string; chain: number };
  /** A sequence: its scenes as asked, merged into this video (domain/sequence.ts). */
  sequence?: SequenceSpec;
  /** A Sora video made with `delete_video: false`: OpenAI keeps it, so it can be remixed. */
  keepAtOpenAI?: true;
  /** An edit or remix of another of the tenant's videos (`remixed_from_video_id`). */
  source?: { videoId: string; kind: 'remix' | 'edit' };
}

/** fal's output while the archive is pending. */
export interface GeneratedVideo {
  url: string;
  contentType?: string;
  fileSize?: number;
  /** OpenAI's id of a Sora output (what a remix needs). */
  openaiVideoId?: string;
  /** Images fal's output carries beside the video (Sora's thumbnail and spritesheet). */
  thumbnailUrl?: string;
  spritesheetUrl?: string;
}

/** The images served beside a video (`GET …/content?variant=`). */
export const IMAGE_VARIANTS = ['thumbnail', 'spritesheet'] as const;
export type ImageVariant = (typeof IMAGE_VARIANTS)[number];

export interface ArchivedVideo {
  key: string;
  bytes: number;
  contentType: string;
  sha256: string;
}

/** Times are epoch milliseconds. `version` guards every write (optimistic concurrency). */
/** A parallel sequence's scene as planned: its job is this, with its own id, token and admission. */
export interface ScenePlan {
  spec: VideoSpec;
  falEndpoint: string;
  falInput: Record<string, unknown>;
  estimatedCostUsd: number;
  typicalGenerationMs: number;
}

export interface Job {
  id: string;
  tenant: string;
  state: JobState;
  version: number;
  createdAt: number;
  updatedAt: number;
  spec: VideoSpec;
  falEndpoint: string;
  falInput: Record<string, unknown>;
  estimatedCostUsd: number;
  /** What fal billed for the job: the sum of `falCosts`, when every billed request's cost is known. */
  actualCostUsd?: number;
  /** Each fal request's billable units and cost, measured when the video is archived. */
  falCosts?: FalRequestCost[];
  /** A video made by several fal requests (domain/steps.ts); the fal fields above describe its current step. */
  plan?: JobPlan;
  /** Set once the job left a model (`spec.model` is then the one it moved to). */
  fallback?: FallbackState;
  typicalGenerationMs: number;
  /** Per-job secret carried in the webhook URL. */
  webhookToken: string;
  /** Submit calls made (accepted or not). */
  submitAttempts: number;
  /**
   * Submit calls whose answer was never recorded: in flight, or lost (a timeout, a submitter that
   * died). Only while one is open may a webhook name a fal request the job has not recorded.
   */
  openSubmits?: number;
  /** When the reconciler should next look at this job; absent once terminal. */
  dueAt?: number;
  requestId?: string;
  /** Request ids of earlier generation attempts: their late webhooks are answered, not applied. */
  priorRequestIds: string[];
  submittedAt?: number;
  generatedAt?: number;
  completedAt?: number;
  video?: GeneratedVideo;
  /** Archive attempts started, and the current one's lease (renewed while it copies). */
  archiveAttempts?: number;
  archiveLease?: Lease;
  outputSeed?: string;
  archive?: ArchivedVideo;
  /** The thumbnail and spritesheet archived beside the video, where there were any. */
  images?: Partial<Record<ImageVariant, ArchivedVideo>>;
  /** OpenAI's id of the Sora video fal made (kept when `spec.keepAtOpenAI`): what a remix sends. */
  openaiVideoId?: string;
  error?: JobError;
  lastFault?: string;
  deletedAt?: number;
  /** Set while the job waits for a concurrency slot (its ticket in the tenant's queue); never sent to fal meanwhile. */
  waitingSince?: number;
  /** Set while the job holds a concurrency slot: from admission until fal has finished with it. */
  slotHeldAt?: number;
  /** Which shard of the deployment's pool holds that slot (absent: shard 0, as jobs from before shards). */
  slotShard?: number;
  /** The UTC day (`YYYY-MM-DD`) whose budget holds this job's estimated cost; absent for jobs made before budgets. */
  budgetDay?: string;
  /**
   * The version the job's last transition wrote. Event bookkeeping (an outbox claim, its delivery
   * results) bumps `version` but not this, so a message that names a transition (a resubmit) stays
   * valid across a delivery run. Absent on jobs no transition has touched since it was added.
   */
  stateVersion?: number;
  /** The terminal event and its delivery to sinks, written with the terminal transition. */
  outbox?: Outbox;
  /** A scene of a parallel sequence (domain/scenes.ts): a job of its own, hidden, ended by its output. */
  sceneOf?: SceneOf;
  /** A parallel sequence's merged video: its scenes' job ids, in scene order. */
  sceneIds?: string[];
  /** And what each scene is made of, so the reconciler can record a scene its creator died before recording. */
  scenePlans?: ScenePlan[];
  /** Set while the merged video waits for its scenes: nothing submits it meanwhile. */
  awaitingScenes?: true;
  /**
   * A parallel sequence's merged video: its scenes' estimates (each reserved by the scene's own job),
   * so the video shows, settles and counts the whole sequence's cost, not only its merge's.
   */
  scenesEstimateUsd?: number;
  /** A parallel sequence's video that failed: the estimate of the scenes fal had made (and billed) by then. */
  scenesBilledUsd?: number;
}

/** Which sequence a scene job belongs to, and its place in it. */
export interface SceneOf {
  jobId: string;
  index: number;
}

export function isTerminal(state: JobState): state is 'completed' | 'failed' {
  return state === 'completed' || state === 'failed';
}

export function publicStatus(state: JobState): PublicStatus {
  switch (state) {
    case 'queued':
      return 'queued';
    case 'submitted':
    case 'generated':
      return 'in_progress';
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
  }
}

/** The version of the job's last transition (its `version` when none has recorded one). */
export const stateVersionOf = (job: Pick<Job, 'version' | 'stateVersion'>): number =>
  job.stateVersion ?? job.version;

/** A multi-step job past its first step: fal has worked on it, so it never reads as queued again. */
export const isPastFirstStep = (job: Pick<Job, 'plan'>): boolean => (job.plan?.current ?? 0) > 0;

/** The one status a client sees, across every step of the job. */
export function jobStatus(job: Pick<Job, 'state' | 'plan' | 'awaitingScenes'>): PublicStatus {
  // a merged video whose scenes were admitted is under way: its scenes are its first steps
  if (job.state === 'queued' && (isPastFirstStep(job) || job.awaitingScenes)) return 'in_progress';
  return publicStatus(job.state);
}

/** Generation attempts fal has accepted, the current one included. */
export function generationCount(job: Job): number {
  return job.priorRequestIds.length + (job.requestId ? 1 : 0);
}
