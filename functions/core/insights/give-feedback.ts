import type { Deps } from '../deps.ts';
import { type Feedback, type FeedbackInput, nextFeedback } from '../domain/feedback.ts';
import { utcDay } from '../domain/limits.ts';
import { ratingCounters } from '../domain/stats-counters.ts';
import { Conflict, notFound } from '../errors.ts';
import { getVisibleJob } from '../jobs/delete-video.ts';
import { checkPrompt } from '../safety/check-prompt.ts';

const MAX_CONFLICTS = 8;

/**
 * Records (or replaces) the calling key's feedback on one of its tenant's completed videos, after
 * screening the comment like a prompt, and adds the difference to the statistics' ratings.
 */
export async function giveFeedback(
  deps: Deps,
  caller: { tenant: string; keyId: string },
  videoId: string,
  input: FeedbackInput,
): Promise<{ feedback: Feedback; created: boolean }> {
  const job = await getVisibleJob(deps, caller.tenant, videoId);
  if (job.state !== 'completed') {
    throw new Conflict('video_not_ready', 'Feedback is for completed videos; this one is not.', {
      param: 'video_id',
    });
  }
  await checkPrompt(deps, [{ text: input.comment, param: 'comment' }]);
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const previous = await deps.feedback.get(job.id, caller.keyId);
    const next = nextFeedback(previous, { jobId: job.id, ...caller }, input, deps.now());
    if (!(await deps.feedback.save(next))) continue;
    try {
      await deps.stats.add(job.tenant, utcDay(job.createdAt), ratingCounters(job, previous, next));
    } catch (error) {
      deps.logger.error('recording a rating in the statistics failed', {
        jobId: job.id,
        error: String(error),
      });
    }
    return { feedback: next, created: previous === undefined };
  }
  throw new Conflict('feedback_conflict', 'This feedback is being changed concurrently; retry.');
}

/** The calling key's feedback on a video of its tenant, or a 404. */
export async function getFeedback(
  deps: Deps,
  caller: { tenant: string; keyId: string },
  videoId: string,
): Promise<Feedback> {
  const job = await getVisibleJob(deps, caller.tenant, videoId);
  const feedback = await deps.feedback.get(job.id, caller.keyId);
  if (!feedback) throw notFound(`Feedback from this key on video ${videoId}`);
  return feedback;
}
