import type { Job } from '../../functions/core/domain/job.ts';
import { isTerminal } from '../../functions/core/domain/job.ts';
import type { EmulatedRequest, FalEmulatorStats } from '../fal-emulator/index.ts';
import type { LiveEvidence } from './live-watch.ts';

/** One job as its client saw it. */
export interface JobRun {
  tag: string;
  id: string;
  fault?: string;
  /** A single video, an extension or a sequence (multi-step videos); absent: a video. */
  kind?: 'video' | 'extension' | 'sequence';
  /** The error code the fault must end the job with; absent when the job must complete. */
  expectedFailure?: string;
  createAttempts: number;
}

/** One SIGKILL, and the archive leases the killed process held at that moment. */
export interface KillRecord {
  killedAt: number;
  /** When the new process answered /healthz. */
  restartedAt: number;
  /** Jobs whose archive lease the killed process held, and when another worker took each over. */
  orphans: Array<{ jobId: string; holder: string; takenOverAt?: number }>;
}

/** How long archives killed mid-copy waited for a new worker. */
export interface TakeoverSummary {
  /** Archive leases held by a process when it was killed. */
  orphanedLeases: number;
  takenOver: number;
  /** The longest time from a kill until every lease the killed process held was taken over. */
  longestKillToTakeoverMs: number | null;
  /** The same, counted from the restart. */
  longestRestartToTakeoverMs: number | null;
}

export interface ChaosEvidence {
  runs: JobRun[];
  jobs: Map<string, Job>;
  falRequests: EmulatedRequest[];
  falStats: FalEmulatorStats;
  /** Objects written to S3 per key (puts and completed multipart uploads). */
  s3Writes: Map<string, number>;
  /** SHA-256 of each completed job's object as read back from S3. */
  archivedSha256: Map<string, string>;
  /** SHA-256 of the video fal produced for the request each completed job names. */
  falSha256: Map<string, string>;
  /** Faults injected at untagged steps (ffmpeg frame and merge), by name: they hit whichever job came next. */
  stepFaults?: Record<string, number>;
  /** Every job the tenant has in the table (a create recorded twice would show here). */
  tenantJobIds: string[];
  /**
   * A parallel sequence's scene jobs, by the sequence's video id, in scene order (undefined: not in
   * the table). They are the tenant's jobs but no client's create, so they are kept off the list
   * `tenantJobIds` comes from, and accounted here: each must have ended with its sequence.
   */
  scenes?: Map<string, (Job | undefined)[]>;
  restarts: number;
  kills?: KillRecord[];
  /** Answers other than 200 that clients met (and retried), with a few samples. */
  clientTrouble: { networkErrors: number; serverErrors: number; refused: number; samples: string[] };
  timings: { createMs: number; drainMs: number; totalMs: number };
  /** What the subscribed receiver accepted (answered 2xx), per video id; absent when no receiver ran. */
  events?: {
    /** Per video: the event types delivered, one entry per accepted delivery. */
    accepted: Map<string, string[]>;
    /** Deliveries whose signature did not verify with the endpoint's secret. */
    badSignatures: number;
  };
  /** The client that held the live event stream open (dev/chaos/live-watch.ts). */
  live?: LiveEvidence;
}

export interface ChaosReport {
  created: number;
  completed: number;
  failed: number;
  failedByReason: Record<string, number>;
  /** Jobs not in a terminal state at the end, or completed without their verified video in S3. */
  lost: number;
  /** Submits fal accepted for a job's step while an earlier accepted request of that step had not failed. */
  duplicateSubmits: number;
  /** S3 writes beyond the first per job. */
  duplicateArchives: number;
  /** Jobs that ended other than their fault says (completed when it had to fail, or the reverse). */
  unexpectedOutcomes: number;
  /** Jobs in the table that no client was answered with: a create recorded twice. */
  strayJobs: number;
  /** Scene jobs of parallel sequences (each counted in `lost` if still running at the end). */
  scenes: number;
  faults: Record<string, number>;
  /** Created jobs by kind (video, extension, sequence). */
  kinds: Record<string, number>;
  /** Completed jobs by kind. */
  completedByKind: Record<string, number>;
  stepFaults: Record<string, number>;
  falSubmits: number;
  falWebhookAttempts: number;
  /** Video objects written to S3 (puts and completed multipart uploads). */
  s3Writes: number;
  /** Thumbnails and spritesheets written beside the videos. */
  imageWrites: number;
  restarts: number;
  takeovers: TakeoverSummary;
  clientTrouble: ChaosEvidence['clientTrouble'];
  timings: ChaosEvidence['timings'];
  /** Ended jobs whose event the subscribed receiver never accepted (must be 0). */
  eventsLost: number;
  /** Accepted deliveries beyond the first of an event (allowed: at-least-once; counted). */
  duplicateDeliveries: number;
  eventsDelivered: number;
  badSignatures: number;
  /** The live stream: per ended job, where its final event was seen, and the events seen per job. */
  live?: {
    /** Final events seen on the held stream. */
    finalSeenLive: number;
    /** Final events seen only by a stream opened afterwards for the video. */
    finalSeenOnReconnect: number;
    /** Ended jobs whose final event no client saw (must be 0). */
    finalMissing: number;
    reconnects: number;
    /** Events seen on the held stream per job: fewest, median, most. */
    eventsPerJob: { min: number; median: number; max: number };
    eventsByType: Record<string, number>;
  };
  /** The first few problems, each with its job, for whoever reads the report. */
  problems: string[];
}

const jobOfRequest = (request: EmulatedRequest) =>
  request.webhookUrl ? new URL(request.webhookUrl).searchParams.get('job') : null;

/** A step of a job: each step of a multi-step job has its own webhook token, kept across its retries. */
const stepOfRequest = (request: EmulatedRequest) => {
  const job = jobOfRequest(request);
  const token = request.webhookUrl ? new URL(request.webhookUrl).searchParams.get('token') : null;
  return job ? `${job} ${token ?? ''}` : null;
};

/**
 * A fal request is a duplicate when, at the moment fal accepted it, an earlier accepted request of
 * the same job and step had not ended in an error: both could still produce (and bill) its output.
 */
function countDuplicateSubmits(
  requests: EmulatedRequest[],
  faultOf: Map<string, string>,
  problems: string[],
): number {
  // per step: the next step's request follows one that produced its input, and is no duplicate
  const byStep = new Map<string, EmulatedRequest[]>();
  for (const request of requests) {
    const step = stepOfRequest(request);
    if (step) byStep.set(step, [...(byStep.get(step) ?? []), request]);
  }
  let duplicates = 0;
  for (const [step, list] of byStep) {
    const job = step.split(' ')[0] as string;
    const sorted = [...list].sort((a, b) => a.submittedAt - b.submittedAt);
    for (const [i, later] of sorted.entries()) {
      const live = sorted
        .slice(0, i)
        .some(
          (earlier) =>
            earlier.outcome !== 'error' ||
            earlier.completedAt === null ||
            earlier.completedAt > later.submittedAt,
        );
      if (live) {
        duplicates++;
        const history = sorted.map(
          (r) =>
            `${r.requestId} submitted ${new Date(r.submittedAt).toISOString()} ${r.outcome ?? r.state}, webhook ${
              r.webhook
                ? `${r.webhook.deliveries}/${r.webhook.attempts} delivered${r.webhook.dropped ? ', dropped' : ''}`
                : 'none'
            }`,
        );
        problems.push(
          `duplicate submit for ${job} (${faultOf.get(job) ?? 'no fault'}): ${later.requestId}; requests: ${history.join('; ')}`,
        );
      }
    }
  }
  return duplicates;
}

/** Per kill, the time until its last orphaned lease was taken over; a lease never taken over is a problem. */
function summariseTakeovers(kills: KillRecord[], problems: string[]): TakeoverSummary {
  let orphanedLeases = 0;
  let takenOver = 0;
  let fromKill: number | null = null;
  let fromRestart: number | null = null;
  for (const kill of kills) {
    orphanedLeases += kill.orphans.length;
    for (const orphan of kill.orphans) {
      if (orphan.takenOverAt === undefined) {
        problems.push(
          `archive lease of ${orphan.jobId} (held by ${orphan.holder} when killed) was never taken over`,
        );
        continue;
      }
      takenOver++;
      fromKill = Math.max(fromKill ?? 0, orphan.takenOverAt - kill.killedAt);
      fromRestart = Math.max(fromRestart ?? 0, orphan.takenOverAt - kill.restartedAt);
    }
  }
  return {
    orphanedLeases,
    takenOver,
    longestKillToTakeoverMs: fromKill,
    longestRestartToTakeoverMs: fromRestart,
  };
}

export function analyse(evidence: ChaosEvidence): ChaosReport {
  const problems: string[] = [];
  const failedByReason: Record<string, number> = {};
  const faults: Record<string, number> = {};
  let completed = 0;
  let failed = 0;
  let lost = 0;
  let unexpected = 0;
  let duplicateArchives = 0;

  const kinds: Record<string, number> = {};
  const completedByKind: Record<string, number> = {};
  for (const run of evidence.runs) {
    const faultOf = run.fault ?? 'no fault';
    if (run.fault) faults[run.fault] = (faults[run.fault] ?? 0) + 1;
    const kind = run.kind ?? 'video';
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    const job = evidence.jobs.get(run.id);
    if (!job || !isTerminal(job.state)) {
      lost++;
      problems.push(`lost ${run.id} (${faultOf}): ${job ? job.state : 'not in the table'}`);
      continue;
    }
    // a sequence's scene still running after its sequence ended is work nobody collects (and fal bills)
    for (const scene of evidence.scenes?.get(run.id) ?? []) {
      if (!scene || isTerminal(scene.state)) continue;
      lost++;
      problems.push(
        `scene ${scene.id} of ${run.id} (${faultOf}) still ${scene.state} after its sequence ended`,
      );
    }
    if (
      job.state === 'completed' &&
      (evidence.scenes?.get(run.id) ?? []).some((s) => s?.state !== 'completed')
    ) {
      lost++;
      problems.push(`${run.id} completed, but not every one of its scenes did`);
    }
    if (job.state === 'failed') {
      failed++;
      const code = job.error?.code ?? 'unknown';
      failedByReason[code] = (failedByReason[code] ?? 0) + 1;
      if (run.expectedFailure !== code) {
        unexpected++;
        problems.push(`${run.id} (${faultOf}) failed: ${code}: ${job.error?.message}`);
      }
      continue;
    }
    completed++;
    completedByKind[kind] = (completedByKind[kind] ?? 0) + 1;
    if (run.expectedFailure) {
      unexpected++;
      problems.push(`${run.id} (${run.fault}) completed; it had to fail with ${run.expectedFailure}`);
    }
    const archived = evidence.archivedSha256.get(run.id);
    if (!job.archive || archived !== job.archive.sha256 || archived !== evidence.falSha256.get(run.id)) {
      lost++;
      problems.push(`${run.id} completed but its S3 object is missing or differs from fal's video`);
    }
    const writes = job.archive ? (evidence.s3Writes.get(job.archive.key) ?? 0) : 0;
    if (writes > 1) {
      duplicateArchives += writes - 1;
      problems.push(`${run.id} (${faultOf}) archived ${writes} times`);
    }
  }
  let eventsLost = 0;
  let duplicateDeliveries = 0;
  let eventsDelivered = 0;
  if (evidence.events) {
    for (const run of evidence.runs) {
      const job = evidence.jobs.get(run.id);
      if (!job || !isTerminal(job.state)) continue;
      const want = `video.${job.state}`;
      const got = (evidence.events.accepted.get(run.id) ?? []).filter((type) => type === want).length;
      if (got === 0) {
        eventsLost++;
        problems.push(`${run.id} ended ${job.state} but the receiver never accepted its ${want} event`);
      }
      eventsDelivered += Math.min(got, 1);
      duplicateDeliveries += Math.max(0, got - 1);
    }
  }
  const live = evidence.live && summariseLive(evidence, evidence.live, problems);
  const answered = new Set(evidence.runs.map((run) => run.id));
  const stray = evidence.tenantJobIds.filter((id) => !answered.has(id));
  for (const id of stray) problems.push(`stray job ${id}: recorded, but no client was answered with it`);

  return {
    created: evidence.runs.length,
    completed,
    failed,
    failedByReason,
    lost,
    duplicateSubmits: countDuplicateSubmits(
      evidence.falRequests,
      new Map(evidence.runs.map((run) => [run.id, run.fault ?? 'no fault'])),
      problems,
    ),
    duplicateArchives,
    unexpectedOutcomes: unexpected,
    strayJobs: stray.length,
    scenes: [...(evidence.scenes?.values() ?? [])].reduce((sum, list) => sum + list.length, 0),
    faults,
    kinds,
    completedByKind,
    stepFaults: evidence.stepFaults ?? {},
    falSubmits: evidence.falStats.submits,
    falWebhookAttempts: evidence.falStats.webhookAttempts,
    // the videos; thumbnails and spritesheets are written beside them, and counted apart
    s3Writes: writesOf(evidence.s3Writes, (key) => key.endsWith('.mp4')),
    imageWrites: writesOf(evidence.s3Writes, (key) => !key.endsWith('.mp4')),
    restarts: evidence.restarts,
    takeovers: summariseTakeovers(evidence.kills ?? [], problems),
    clientTrouble: evidence.clientTrouble,
    timings: evidence.timings,
    eventsLost,
    duplicateDeliveries,
    eventsDelivered,
    badSignatures: evidence.events?.badSignatures ?? 0,
    ...(live && { live }),
    problems: problems.slice(0, 50),
  };
}

function writesOf(writes: Map<string, number>, counted: (key: string) => boolean): number {
  return [...writes].filter(([key]) => counted(key)).reduce((sum, [, count]) => sum + count, 0);
}

function summariseLive(evidence: ChaosEvidence, live: LiveEvidence, problems: string[]): ChaosReport['live'] {
  let finalSeenLive = 0;
  let finalSeenOnReconnect = 0;
  let finalMissing = 0;
  const counts: number[] = [];
  const eventsByType: Record<string, number> = {};
  for (const run of evidence.runs) {
    const job = evidence.jobs.get(run.id);
    const seen = live.seen.get(run.id) ?? [];
    counts.push(seen.length);
    for (const type of seen) eventsByType[type] = (eventsByType[type] ?? 0) + 1;
    if (!job || !isTerminal(job.state)) continue;
    if (seen.includes(`video.${job.state}`)) finalSeenLive++;
    else if (live.caughtUp.has(run.id)) finalSeenOnReconnect++;
    else {
      finalMissing++;
      problems.push(
        `${run.id} ended ${job.state} but no event stream client saw its video.${job.state} event`,
      );
    }
  }
  counts.sort((a, b) => a - b);
  return {
    finalSeenLive,
    finalSeenOnReconnect,
    finalMissing,
    reconnects: live.reconnects,
    eventsPerJob: {
      min: counts[0] ?? 0,
      median: counts[Math.floor(counts.length / 2)] ?? 0,
      max: counts.at(-1) ?? 0,
    },
    eventsByType,
  };
}
