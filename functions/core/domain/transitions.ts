import { videoEvent } from './events.ts';
import type { TriedModel } from './fallback.ts';
import type { ArchivedVideo, GeneratedVideo, Job, JobError, JobState } from './job.ts';
import { isPastFirstStep, isTerminal } from './job.ts';
import { isLive, renewLease, takeLease } from './lease.ts';
import { recordEvent } from './outbox.ts';
import type { JobPolicy } from './policy.ts';
import { type JobStep, stepInput } from './steps.ts';

/** A transition asked of a job in a state that does not allow it: a bug in the caller, never client input. */
export class InvalidTransitionError extends Error {
  constructor(job: Job, to: string) {
    super(`job ${job.id}: cannot go from ${job.state} to ${to}`);
    this.name = 'InvalidTransitionError';
  }
}

/** Submit calls of the job whose answer is not known (see Job.openSubmits). */
export const openSubmits = (job: Pick<Job, 'openSubmits'>): number => job.openSubmits ?? 0;

/** The one way a transition writes: from an allowed state, bumping the version. */
export function advance(
  job: Job,
  allowed: readonly JobState[],
  to: string,
  now: number,
  patch: Partial<Job>,
): Job {
  if (!allowed.includes(job.state)) throw new InvalidTransitionError(job, to);
  const next = { ...job, ...patch, version: job.version + 1, stateVersion: job.version + 1, updatedAt: now };
  // a scene is part of its sequence's video, whose own events are the sequence's only ones
  return job.sceneOf ? { ...next, outbox: undefined } : next;
}

/** What the creator decides about a job; the state machine fills in the rest. */
export type NewJob = Pick<
  Job,
  | 'id'
  | 'tenant'
  | 'spec'
  | 'falEndpoint'
  | 'falInput'
  | 'estimatedCostUsd'
  | 'typicalGenerationMs'
  | 'webhookToken'
> &
  Partial<Pick<Job, 'plan' | 'sceneOf' | 'scenePlans' | 'scenesEstimateUsd'>>;

/**
 * How long a submit attempt holds a queued job. A submitter that dies (or times out) mid-call may
 * have been accepted by fal, so nobody submits again before that request's webhook would have come;
 * a queued job adopts a webhook for a request id it has not recorded.
 */
export function submitLeaseUntil(
  job: Pick<Job, 'typicalGenerationMs'>,
  now: number,
  policy: JobPolicy,
): number {
  return now + Math.max(policy.submitLeaseMs, job.typicalGenerationMs + policy.webhookGraceMs);
}

/** How a new job was admitted: with a concurrency slot (submitted at once) or waiting in its tenant's queue. */
export interface Admission {
  admission: 'active' | 'waiting';
  /** The UTC day whose budget holds the job's estimated cost. */
  budgetDay?: string;
  /** The shard of the deployment's pool an active job's slot is in. */
  slotShard?: number;
}

/**
 * Recorded before fal is called. An admitted job holds the creator's submit lease (its attempt is the
 * first); a waiting one is due at once in the waiting queue, ordered by when it started waiting.
 * Without an admission (jobs made before limits existed) it behaves as admitted but holds no slot.
 */
export function createJob(input: NewJob, now: number, policy: JobPolicy, admitted?: Admission): Job {
  const base: Job = {
    ...input,
    state: 'queued',
    version: 1,
    createdAt: now,
    updatedAt: now,
    submitAttempts: 1,
    priorRequestIds: [],
    dueAt: submitLeaseUntil(input, now, policy),
    ...(admitted?.budgetDay !== undefined && { budgetDay: admitted.budgetDay }),
  };
  if (admitted?.admission === 'active')
    return {
      ...base,
      openSubmits: 1,
      slotHeldAt: now,
      ...(admitted.slotShard !== undefined && { slotShard: admitted.slotShard }),
    };
  // a waiting job is announced as queued; an admitted one is in progress a moment later
  if (admitted?.admission === 'waiting')
    return {
      ...base,
      submitAttempts: 0,
      dueAt: now,
      waitingSince: now,
      ...(!input.sceneOf && { outbox: recordEvent(videoEvent(input.id, 'video.queued', now, base.version)) }),
    };
  return { ...base, openSubmits: 1 };
}

/**
 * A waiting job got its slot: it leaves the queue holding a submit lease for the admitter's attempt,
 * exactly as a freshly created job does.
 */
export function admitWaiting(job: Job, now: number, policy: JobPolicy, slotShard?: number): Job {
  if (job.waitingSince === undefined) throw new InvalidTransitionError(job, 'queued (admitted, not waiting)');
  return advance(job, ['queued'], 'queued (admitted)', now, {
    waitingSince: undefined,
    slotHeldAt: now,
    slotShard,
    submitAttempts: job.submitAttempts + 1,
    openSubmits: openSubmits(job) + 1,
    dueAt: submitLeaseUntil(job, now, policy),
  });
}

/**
 * Takes a queued job for a submit attempt, which counts even if the taker dies; the version bump
 * makes concurrent takers lose. A job still waiting for a slot cannot be taken.
 */
export function claimForSubmit(job: Job, now: number, policy: JobPolicy): Job {
  if (job.waitingSince !== undefined) throw new InvalidTransitionError(job, 'queued (claimed while waiting)');
  if (job.awaitingScenes) throw new InvalidTransitionError(job, 'queued (claimed while awaiting scenes)');
  return advance(job, ['queued'], 'queued (claimed)', now, {
    submitAttempts: job.submitAttempts + 1,
    openSubmits: openSubmits(job) + 1,
    dueAt: submitLeaseUntil(job, now, policy),
  });
}

export function markSubmitted(job: Job, requestId: string, now: number, policy: JobPolicy): Job {
  return advance(job, ['queued'], 'submitted', now, {
    state: 'submitted',
    requestId,
    // a later step of a multi-step job was in progress all along: no second event for the same status
    ...(!isPastFirstStep(job) && {
      outbox: recordEvent(videoEvent(job.id, 'video.in_progress', now, job.version + 1)),
    }),
    openSubmits: Math.max(0, openSubmits(job) - 1),
    submittedAt: now,
    dueAt: now + job.typicalGenerationMs + policy.webhookGraceMs,
  });
}

/**
 * A submit that failed but may succeed later stays queued until `retryAt`. A refusal closes its
 * attempt; a call that got no answer (`answerLost`) leaves it open, since fal may have accepted it.
 */
export function scheduleSubmitRetry(
  job: Job,
  fault: string,
  retryAt: number,
  now: number,
  answerLost = false,
): Job {
  return advance(job, ['queued'], 'queued (retry)', now, {
    dueAt: retryAt,
    lastFault: fault,
    ...(!answerLost && { openSubmits: Math.max(0, openSubmits(job) - 1) }),
  });
}

/** A submitted job fal still runs: look again later. */
export function schedulePoll(job: Job, now: number, policy: JobPolicy): Job {
  return advance(job, ['submitted'], 'submitted (poll later)', now, { dueAt: now + policy.pollIntervalMs });
}

/**
 * fal produced a video. Allowed from `queued` too: the webhook can beat the submit call's answer,
 * and then it brings the request id the job does not have yet.
 */
export function markGenerated(
  job: Job,
  result: { requestId: string; video: GeneratedVideo; seed?: string },
  now: number,
  policy: JobPolicy,
): Job {
  // adopting another request's video (see isOrphanRequest): the one given up on becomes a prior attempt
  const replaced = job.requestId !== undefined && job.requestId !== result.requestId;
  return advance(job, ['queued', 'submitted'], 'generated', now, {
    state: 'generated',
    // fal is done with it: the slot goes to the next waiting job
    slotHeldAt: undefined,
    slotShard: undefined,
    openSubmits: undefined,
    requestId: result.requestId,
    ...(replaced && { priorRequestIds: [...job.priorRequestIds, job.requestId as string] }),
    video: result.video,
    outputSeed: result.seed,
    // kept past the archive (which drops `video`): a remix of this video sends it
    ...(result.video.openaiVideoId !== undefined && { openaiVideoId: result.video.openaiVideoId }),
    generatedAt: now,
    submittedAt: job.submittedAt ?? now,
    dueAt: now + policy.archivePickupMs,
  });
}

/**
 * The current step of a multi-step job produced its output, and another step follows: the output is
 * recorded on its step, and the job goes back to `queued` as the next step's fresh fal request (its
 * own endpoint, input, webhook token and submit attempts), held for the caller's immediate submit
 * like a requeued generation. The slot stays held: fal is not done with the video.
 */
export function advanceStep(
  job: Job,
  result: { requestId: string; outputUrl: string },
  nextToken: string,
  now: number,
  policy: JobPolicy,
): Job {
  const plan = job.plan;
  if (!plan || plan.current >= plan.steps.length - 1) throw new InvalidTransitionError(job, 'next step');
  const finished = plan.current;
  const steps = plan.steps.map((step, index) =>
    index === finished
      ? {
          ...step,
          requestId: result.requestId,
          webhookToken: job.webhookToken,
          outputUrl: result.outputUrl,
          doneAt: now,
        }
      : step,
  );
  // a webhook that beat the submit's answer brings the request id the job has not recorded yet
  const done = [
    ...new Set([...job.priorRequestIds, ...(job.requestId ? [job.requestId] : []), result.requestId]),
  ];
  const requestEndpoints = {
    ...plan.requestEndpoints,
    ...Object.fromEntries(done.filter((id) => !plan.requestEndpoints[id]).map((id) => [id, job.falEndpoint])),
  };
  const next = { ...plan, steps, current: finished + 1, stepBase: done.length, requestEndpoints };
  const step = steps[finished + 1] as JobStep;
  const typicalGenerationMs = step.typicalMs;
  return advance(job, ['queued', 'submitted'], `queued (step ${finished + 2})`, now, {
    state: 'queued',
    plan: next,
    falEndpoint: step.endpoint,
    falInput: stepInput(next, finished + 1),
    typicalGenerationMs,
    webhookToken: nextToken,
    priorRequestIds: done,
    requestId: undefined,
    submittedAt: undefined,
    submitAttempts: 1,
    // the caller submits the next step at once
    openSubmits: 1,
    dueAt: submitLeaseUntil({ typicalGenerationMs }, now, policy),
  });
}

export function isArchiveLeased(job: Job, now: number): boolean {
  return isLive(job.archiveLease, now);
}

/**
 * `holder` takes the job for an archive attempt: a duplicate message finds the live lease and leaves
 * the job alone; a lease that ran out (its worker died) may be taken over. Due when the lease ends.
 */
export function claimForArchive(job: Job, holder: string, now: number, policy: JobPolicy): Job {
  if (isArchiveLeased(job, now))
    throw new InvalidTransitionError(job, 'generated (archiving, already leased)');
  const lease = takeLease(job.archiveLease, holder, now, policy.archiveLeaseMs);
  return advance(job, ['generated'], 'generated (archiving)', now, {
    archiveAttempts: (job.archiveAttempts ?? 0) + 1,
    archiveLease: lease,
    dueAt: lease.until,
  });
}

/**
 * The holder is still copying: its lease (and the reconciler's due time) moves on. Undefined when
 * the job is no longer `holder`'s to archive (taken over, completed, failed or deleted).
 */
export function renewArchiveLease(job: Job, holder: string, now: number, policy: JobPolicy): Job | undefined {
  if (job.state !== 'generated') return undefined;
  const lease = renewLease(job.archiveLease, holder, now, policy.archiveLeaseMs);
  if (!lease) return undefined;
  return advance(job, ['generated'], 'generated (archive lease renewed)', now, {
    archiveLease: lease,
    dueAt: lease.until,
  });
}

/** A failed archive gives the job back at once, so the queue's retry can take it. */
export function releaseArchive(job: Job, fault: string, now: number, policy: JobPolicy): Job {
  return advance(job, ['generated'], 'generated (archive failed)', now, {
    archiveLease: undefined,
    dueAt: now + policy.archivePickupMs,
    lastFault: fault,
  });
}

/** The reconciler re-sends an archive message that was lost; the bump keeps other runs from sending it too. */
export function markArchiveResent(job: Job, now: number, policy: JobPolicy): Job {
  return advance(job, ['generated'], 'generated (archive re-sent)', now, {
    dueAt: now + policy.archivePickupMs,
  });
}

/** fal's URL may be refreshed from the queue's result when the first one expired. */
export function replaceVideoUrl(job: Job, video: GeneratedVideo, now: number): Job {
  return advance(job, ['generated'], 'generated (fresh URL)', now, { video });
}

/** fal's URL is dropped once the copy is verified; what fal billed is recorded with it, when measured. */
export function markCompleted(
  job: Job,
  archive: ArchivedVideo,
  now: number,
  cost?: Pick<Job, 'falCosts' | 'actualCostUsd'>,
  images?: Job['images'],
): Job {
  return advance(job, ['generated'], 'completed', now, {
    ...cost,
    state: 'completed',
    archive,
    ...(images !== undefined && Object.keys(images).length > 0 && { images }),
    completedAt: now,
    video: undefined,
    dueAt: undefined,
    archiveLease: undefined,
    lastFault: undefined,
    // the outbox: the event is written with the transition, so no crash can lose it
    outbox: recordEvent(videoEvent(job.id, 'video.completed', now)),
  });
}

/**
 * A retryable generation error: back to the queue for a new generation, whose submit attempts are
 * counted afresh, held for the caller's immediate resubmit.
 */
export function requeueGeneration(
  job: Job,
  failedRequestId: string,
  fault: string,
  now: number,
  policy: JobPolicy,
): Job {
  return advance(job, ['queued', 'submitted'], 'queued (new generation)', now, {
    state: 'queued',
    ...(job.state !== 'queued' &&
      !isPastFirstStep(job) && {
        outbox: recordEvent(videoEvent(job.id, 'video.queued', now, job.version + 1)),
      }),
    priorRequestIds: [...new Set([...job.priorRequestIds, failedRequestId])],
    requestId: undefined,
    submittedAt: undefined,
    submitAttempts: 1,
    // the caller resubmits at once; an earlier lost submit stays open, its video still adoptable
    openSubmits: openSubmits(job) + 1,
    dueAt: submitLeaseUntil(job, now, policy),
    lastFault: fault,
  });
}

/**
 * The follow-up worker takes a requeued generation (or a multi-step job's next step) for the submit
 * it was sent: the version bump makes a redelivered copy of the same message lose, and the fresh
 * submit lease keeps the reconciler off it when the message came late (past the requeue's lease),
 * so fal gets one submit.
 */
export function claimRequeued(job: Job, now: number, policy: JobPolicy): Job {
  return advance(job, ['queued'], 'queued (resubmitting)', now, {
    dueAt: submitLeaseUntil(job, now, policy),
  });
}

/**
 * The job's model kept failing (or fal would not take it): it moves to a fallback model, as a new
 * generation of the new model, keeping its slot; `tried` records the models left and why.
 */
export function switchModel(
  job: Job,
  next: Pick<Job, 'spec' | 'falEndpoint' | 'falInput' | 'estimatedCostUsd' | 'typicalGenerationMs'>,
  failedRequestId: string | undefined,
  tried: TriedModel[],
  now: number,
  policy: JobPolicy,
): Job {
  const priorRequestIds = failedRequestId
    ? [...new Set([...job.priorRequestIds, failedRequestId])]
    : job.priorRequestIds;
  return advance(job, ['queued', 'submitted'], 'queued (fallback model)', now, {
    ...next,
    state: 'queued',
    ...(job.state !== 'queued' &&
      !isPastFirstStep(job) && {
        outbox: recordEvent(videoEvent(job.id, 'video.queued', now, job.version + 1)),
      }),
    priorRequestIds,
    requestId: undefined,
    submittedAt: undefined,
    submitAttempts: 1,
    // the caller submits the new model at once
    openSubmits: openSubmits(job) + 1,
    dueAt: submitLeaseUntil(next, now, policy),
    lastFault: tried[0]?.reason,
    fallback: {
      tried: [...(job.fallback?.tried ?? []), ...tried],
      generationBase: priorRequestIds.length,
      // the model being left: its requests' costs are asked of its own endpoint
      requestEndpoints: {
        ...job.fallback?.requestEndpoints,
        ...Object.fromEntries(
          priorRequestIds
            .filter((id) => !job.fallback?.requestEndpoints?.[id])
            .map((id) => [id, job.falEndpoint]),
        ),
      },
    },
  });
}

export function markFailed(job: Job, error: JobError, now: number): Job {
  return advance(job, ['queued', 'submitted', 'generated'], 'failed', now, {
    state: 'failed',
    error,
    slotHeldAt: undefined,
    slotShard: undefined,
    waitingSince: undefined,
    completedAt: now,
    video: undefined,
    dueAt: undefined,
    archiveLease: undefined,
    outbox: recordEvent(videoEvent(job.id, 'video.failed', now)),
  });
}

/** Deleting ends an active job as `cancelled` and hides the job from every route. */
export function markDeleted(job: Job, now: number): Job {
  const base = { ...job, deletedAt: now, version: job.version + 1, updatedAt: now };
  if (isTerminal(job.state)) return base;
  return {
    ...markFailed(job, { code: 'cancelled', message: 'The video was deleted before it finished.' }, now),
    deletedAt: now,
  };
}
