/** The Sora guide's criteria for judging a video (§4), each scored 1–5 beside the overall rating. */
export const FEEDBACK_CRITERIA = ['visual_quality', 'prompt_adherence', 'consistency', 'narrative'] as const;
export type FeedbackCriterion = (typeof FEEDBACK_CRITERIA)[number];

/** One API key's rating of one video; updating it replaces it. */
export interface Feedback {
  jobId: string;
  tenant: string;
  keyId: string;
  /** 1–5. */
  rating: number;
  scores: Partial<Record<FeedbackCriterion, number>>;
  comment?: string;
  createdAt: number;
  updatedAt: number;
  /** Guards every write: a concurrent update re-reads and applies again. */
  version: number;
}

export type FeedbackInput = Pick<Feedback, 'rating' | 'scores' | 'comment'>;

/** The feedback that `input` makes, over what the key gave before (if anything). */
export function nextFeedback(
  previous: Feedback | undefined,
  who: Pick<Feedback, 'jobId' | 'tenant' | 'keyId'>,
  input: FeedbackInput,
  now: number,
): Feedback {
  return {
    ...who,
    rating: input.rating,
    scores: { ...input.scores },
    ...(input.comment !== undefined && { comment: input.comment }),
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    version: (previous?.version ?? 0) + 1,
  };
}
