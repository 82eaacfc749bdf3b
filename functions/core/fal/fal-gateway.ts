import type { FalFailure, SettledOutcome } from '../domain/fal-outcome.ts';

export type FalQueueStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED';
export type CancelResult = 'cancellation_requested' | 'already_completed' | 'not_found';

/** A call to fal that did not succeed; `failure` is what the domain classifies. */
export class FalCallError extends Error {
  readonly failure: FalFailure;
  constructor(message: string, failure: FalFailure, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FalCallError';
    this.failure = failure;
  }
}

/** How a request is submitted beyond its input. */
export interface SubmitOptions {
  /**
   * How long fal keeps the request's output files (`x-fal-object-lifecycle-preference`); absent:
   * fal's default retention.
   */
  outputLifetimeSeconds?: number;
}

/** fal's queue, as Reelay uses it. Implemented over `@fal-ai/client` (fal/client/) for fal and its emulator alike. */
export interface FalGateway {
  /** `webhookUrl` is omitted when nothing can reach us: the reconciler polls instead. */
  submit(
    endpoint: string,
    input: Record<string, unknown>,
    webhookUrl?: string,
    options?: SubmitOptions,
  ): Promise<{ requestId: string }>;
  status(endpoint: string, requestId: string): Promise<FalQueueStatus>;
  /** The outcome of a completed request; model errors come back as an `error` outcome, not thrown. */
  result(endpoint: string, requestId: string): Promise<SettledOutcome>;
  cancel(endpoint: string, requestId: string): Promise<CancelResult>;
  /** The bare output of a completed request whose output is not a video (an ffmpeg-api tool's); errors throw. */
  output(endpoint: string, requestId: string): Promise<unknown>;
  /** Puts a client's file on fal's storage and answers its URL (for image-to-video). */
  upload(file: Blob): Promise<string>;
}
