import type { BoundFaults } from './faults/schema.ts';
import type { OutputClip } from './media.ts';
import type { ModelError } from './model-errors.ts';
import type { ClipSpec } from './video/clip.ts';

export type QueueStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED';

/**
 * How a request ended. `seed` is a decimal string so the state file keeps 64-bit seeds exact. A
 * successful output is its `video` file (none for extract-frame and metadata), then `fields`, in
 * which `{$file}` references are rendered as fal's File objects, then `seed` (if the model has one).
 */
export type Outcome =
  | {
      kind: 'ok';
      seed?: string;
      fileId: string | null;
      fileName?: string;
      fileSize?: number;
      fields?: Record<string, unknown>;
      /** What fal bills (`x-fal-billable-units`), when not the input's duration. */
      billableUnits?: number;
    }
  | { kind: 'error'; error: ModelError }
  | { kind: 'cancelled'; error: ModelError };

/** Delivery bookkeeping for a request's webhook; `body` is fixed at completion so retries are byte-identical. */
export interface WebhookState {
  body: string;
  attempts: number;
  /** Rounds that failed (a concurrent pair counts once); indexes the retry schedule. */
  failures: number;
  /** Attempts answered 2xx. */
  deliveries: number;
  delivered: boolean;
  deliveredAt: number | null;
  dropped: boolean;
  givenUp: boolean;
  /** When the next attempt is due (ms epoch); null when nothing is pending. */
  nextAttemptAt: number | null;
}

/** Everything the emulator knows about one queued request (persisted as is). */
export interface RequestRecord {
  requestId: string;
  endpointId: string;
  appPath: string;
  input: Record<string, unknown>;
  prompt: string;
  webhookUrl: string | null;
  submittedAt: number;
  /** Planned transitions, fixed at submit so a restarted emulator keeps the same timeline. */
  startAt: number;
  completeAt: number;
  /** From `x-fal-request-timeout`: still queued at this time means a startup_timeout error. */
  startDeadline: number | null;
  startedAt: number | null;
  completedAt: number | null;
  status: QueueStatus;
  faults: BoundFaults;
  mediaTtlMs: number;
  paddingBytes: number;
  /** The size of the image an image-to-video request starts from (its 'auto' frame follows it). */
  startFrame?: { width: number; height: number } | null;
  /** The videos a video-to-video or ffmpeg request was given, read from their bytes (by input field). */
  inputClips?: Record<string, ClipSpec[]> | null;
  outcome: Outcome | null;
  webhook: WebhookState | null;
}

/** A CDN file: a request's output (generated on the fly) or an upload (bytes stored). */
export interface FileRecord {
  fileId: string;
  fileName: string;
  contentType: string;
  createdAt: number;
  expiresAt: number;
  source:
    | { kind: 'output'; requestId: string; paddingBytes: number; clip?: OutputClip; spec?: ClipSpec }
    | { kind: 'image'; image: ImageSpec }
    | { kind: 'upload'; size: number | null };
}

/** A read-only view of one request, for test assertions. */
export interface EmulatedRequest {
  requestId: string;
  endpointId: string;
  input: Record<string, unknown>;
  webhookUrl: string | null;
  state: QueueStatus;
  outcome: 'ok' | 'error' | 'cancelled' | null;
  submittedAt: number;
  startedAt: number | null;
  completedAt: number | null;
  /** How long the request's output files are kept: the submit's lifecycle preference, else the default. */
  mediaTtlMs: number;
  videoUrl: string | null;
  seed: bigint | null;
  error: { status: number; body: Record<string, unknown>; headers: Record<string, string> } | null;
  faults: BoundFaults;
  webhook: WebhookState | null;
}

/** One webhook POST the emulator made, as it ended: the delivery log tests assert against. */
export interface WebhookAttempt {
  requestId: string;
  url: string;
  /** 1-based, per request (a concurrent pair has two). */
  attempt: number;
  sentAt: number;
  /** The receiver's answer; null when none came (refused, reset, timed out). */
  status: number | null;
}

export interface FalEmulatorStats {
  /** Accepted submits. */
  submits: number;
  submitsByEndpoint: Record<string, number>;
  /** Submits answered with an error (fault, auth, unknown model or validation). */
  rejectedSubmits: number;
  statusCalls: number;
  resultCalls: number;
  cancels: number;
  webhookAttempts: number;
  /** Attempts answered 2xx (a duplicate counts twice). */
  webhooksDelivered: number;
  /** GETs of CDN file URLs, including ones a fault or expiry answered. */
  cdnDownloads: number;
  /** Upload PUTs stored. */
  uploads: number;
  /** Synchronous runs (`POST /run/openrouter/router`: prompt moderation). */
  runs: number;
  /** Of those, prompt enhancements (the rest are moderation). */
  enhancements: number;
}

/** A generated PNG: tiles of flat colours in rows of `columns` (one tile is a frame; several, a spritesheet). */
export interface ImageSpec {
  tileWidth: number;
  tileHeight: number;
  columns: number;
  tiles: (readonly [number, number, number])[];
}

/** A reference to one of the request's CDN files inside `Outcome.fields`, rendered as fal's File. */
export interface FileRef {
  $file: string;
  width?: number;
  height?: number;
  /** Rendered as the bare URL (metadata's start_frame_url) rather than a File object. */
  urlOnly?: boolean;
}
