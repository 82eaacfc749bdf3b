import type { Feedback } from '../domain/feedback.ts';

/** One feedback per API key per video. */
export interface FeedbackStore {
  get(jobId: string, keyId: string): Promise<Feedback | undefined>;
  /** Writes `next` if the stored one is still at `next.version - 1` (or absent, for version 1); false otherwise. */
  save(next: Feedback): Promise<boolean>;
}
