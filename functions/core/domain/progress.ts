import type { Job } from './job.ts';
import { planTimes } from './steps.ts';

/**
 * Copying to S3 after generation, a rough allowance for the ETA: 10 s for fal's minute-long
 * generations, less for a model (or the local emulator) that generates in seconds, whose small
 * files are archived in well under a second.
 */
export const archiveAllowanceMs = (typicalGenerationMs: number): number =>
  Math.min(10_000, Math.max(500, Math.round(typicalGenerationMs / 6)));

export interface Progress {
  progress: number;
  estimatedCompletionAt: number | null;
}

/**
 * Progress is an estimate from the model's typical generation time and the job's age: it rises
 * linearly to 90 over the typical time, then creeps toward 99, and is 100 only once completed.
 */
export function estimateProgress(job: Job, now: number): Progress {
  const step = stepProgress(job, now);
  if (!job.plan || job.state === 'completed' || job.state === 'failed' || job.state === 'generated')
    return step;
  // one progress across the steps: each step's share is its typical time's share of the whole
  const { doneMs, totalMs, remainingAfterMs } = planTimes(job.plan);
  const progress = Math.floor((doneMs + (step.progress / 100) * job.typicalGenerationMs) / (totalMs / 100));
  return {
    progress: Math.min(98, progress),
    estimatedCompletionAt:
      step.estimatedCompletionAt === null ? null : step.estimatedCompletionAt + remainingAfterMs,
  };
}

function stepProgress(job: Job, now: number): Progress {
  const allowance = archiveAllowanceMs(job.typicalGenerationMs);
  switch (job.state) {
    case 'completed':
      return { progress: 100, estimatedCompletionAt: job.completedAt ?? now };
    case 'failed':
      return { progress: 0, estimatedCompletionAt: null };
    case 'queued':
      return { progress: 0, estimatedCompletionAt: now + job.typicalGenerationMs + allowance };
    case 'generated':
      return {
        progress: 99,
        estimatedCompletionAt: Math.max(now, (job.generatedAt ?? now) + allowance),
      };
    case 'submitted': {
      const started = job.submittedAt ?? job.createdAt;
      const elapsed = Math.max(0, now - started);
      const typical = job.typicalGenerationMs;
      const progress =
        elapsed <= typical
          ? (90 * elapsed) / typical
          : 90 + 8 * (1 - Math.exp(-(elapsed - typical) / typical));
      const expectedEnd = started + typical + allowance;
      return {
        progress: Math.min(98, Math.floor(progress)),
        estimatedCompletionAt: expectedEnd > now ? expectedEnd : now + allowance,
      };
    }
  }
}
