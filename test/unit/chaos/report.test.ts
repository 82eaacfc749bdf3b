import { describe, expect, it } from 'vitest';
import { analyse, type ChaosEvidence } from '../../../dev/chaos/report.ts';
import type { EmulatedRequest, FalEmulatorStats } from '../../../dev/fal-emulator/index.ts';
import { newJob } from '../../support/jobs.ts';

const request = (
  job: string,
  requestId: string,
  submittedAt: number,
  outcome: EmulatedRequest['outcome'],
  completedAt: number | null,
): EmulatedRequest =>
  ({
    requestId,
    webhookUrl: `http://127.0.0.1/webhooks/fal?job=${job}&token=t`,
    submittedAt,
    completedAt,
    outcome,
    state: completedAt === null ? 'IN_PROGRESS' : 'COMPLETED',
    webhook: null,
  }) as EmulatedRequest;

function evidence(falRequests: EmulatedRequest[], overrides: Partial<ChaosEvidence> = {}): ChaosEvidence {
  return {
    runs: [],
    jobs: new Map(),
    falRequests,
    falStats: { submits: falRequests.length, webhookAttempts: 0 } as FalEmulatorStats,
    s3Writes: new Map(),
    archivedSha256: new Map(),
    falSha256: new Map(),
    tenantJobIds: [],
    restarts: 0,
    clientTrouble: { networkErrors: 0, serverErrors: 0, refused: 0, samples: [] },
    timings: { createMs: 0, drainMs: 0, totalMs: 0 },
    ...overrides,
  };
}

describe('the chaos report', () => {
  it('a resubmit after its predecessor failed is a new attempt, not a duplicate', () => {
    const report = analyse(
      evidence([request('j1', 'r1', 0, 'error', 10), request('j1', 'r2', 20, 'ok', 30)]),
    );
    expect(report.duplicateSubmits).toBe(0);
  });

  it('a second request while the first could still deliver a video is a duplicate', () => {
    const live = analyse(evidence([request('j1', 'r1', 0, 'ok', 50), request('j1', 'r2', 20, 'ok', 60)]));
    expect(live.duplicateSubmits).toBe(1);
    // failed, but only after the second was already accepted: both ran at once
    const overlapping = analyse(
      evidence([request('j1', 'r1', 0, 'error', 50), request('j1', 'r2', 20, 'ok', 60)]),
    );
    expect(overlapping.duplicateSubmits).toBe(1);
    expect(overlapping.problems[0]).toContain('r2');
  });

  it('a completed job counts as lost when its S3 object is not fal’s bytes, and an extra write as a duplicate archive', () => {
    const base = newJob();
    const job = {
      ...base,
      state: 'completed' as const,
      requestId: 'r1',
      archive: { key: 'videos/t/j.mp4', bytes: 3, contentType: 'video/mp4', sha256: 'aaa' },
    };
    const runs = [{ tag: 't', id: job.id, createAttempts: 1 }];
    const report = analyse(
      evidence([], {
        runs,
        jobs: new Map([[job.id, job]]),
        archivedSha256: new Map([[job.id, 'aaa']]),
        falSha256: new Map([[job.id, 'bbb']]),
        s3Writes: new Map([['videos/t/j.mp4', 2]]),
      }),
    );
    expect(report).toMatchObject({ completed: 1, lost: 1, duplicateArchives: 1 });
  });

  it('a job still active at the end is lost; one no client was answered with is stray', () => {
    const job = newJob();
    const report = analyse(
      evidence([], {
        runs: [{ tag: 't', id: job.id, createAttempts: 1 }],
        jobs: new Map([[job.id, job]]),
        tenantJobIds: [job.id, 'video_stray'],
      }),
    );
    expect(report).toMatchObject({ lost: 1, strayJobs: 1 });
  });

  it('a sequence’s scene is no stray, but one still running after its sequence ended is lost', () => {
    const parent = {
      ...newJob(),
      state: 'failed' as const,
      error: { code: 'content_policy_violation', message: 'no' },
    };
    const ended = { ...newJob(), state: 'failed' as const, sceneOf: { jobId: parent.id, index: 0 } };
    const running = { ...newJob(), state: 'submitted' as const, sceneOf: { jobId: parent.id, index: 1 } };
    const report = analyse(
      evidence([], {
        runs: [
          {
            tag: 't',
            id: parent.id,
            kind: 'sequence',
            expectedFailure: 'content_policy_violation',
            createAttempts: 1,
          },
        ],
        jobs: new Map([[parent.id, parent]]),
        tenantJobIds: [parent.id],
        scenes: new Map([[parent.id, [ended, running]]]),
      }),
    );
    expect(report).toMatchObject({ lost: 1, strayJobs: 0, scenes: 2, unexpectedOutcomes: 0 });
    expect(report.problems.join('\n')).toContain(`scene ${running.id}`);
  });

  it('reports the longest time from a kill until every archive it cut off was taken over', () => {
    const kills = [
      {
        killedAt: 1_000,
        restartedAt: 4_000,
        orphans: [
          { jobId: 'a', holder: 'h:1/x', takenOverAt: 50_000 },
          { jobId: 'b', holder: 'h:1/y', takenOverAt: 70_000 },
        ],
      },
      {
        killedAt: 100_000,
        restartedAt: 101_000,
        orphans: [{ jobId: 'c', holder: 'h:2/z', takenOverAt: 130_000 }],
      },
      { killedAt: 200_000, restartedAt: 202_000, orphans: [] },
    ];
    expect(analyse(evidence([], { kills })).takeovers).toEqual({
      orphanedLeases: 3,
      takenOver: 3,
      longestKillToTakeoverMs: 69_000,
      longestRestartToTakeoverMs: 66_000,
    });
    const stuck = analyse(
      evidence([], { kills: [{ killedAt: 0, restartedAt: 1, orphans: [{ jobId: 'd', holder: 'h:3/w' }] }] }),
    );
    expect(stuck.takeovers).toMatchObject({ orphanedLeases: 1, takenOver: 0, longestKillToTakeoverMs: null });
    expect(stuck.problems).toEqual([expect.stringContaining('archive lease of d')]);
  });

  it('an ended job whose event the receiver never accepted is an event lost; repeats are duplicates, not losses', () => {
    const ended = (id: string, state: 'completed' | 'failed') => ({ ...newJob(), id, state });
    const jobs = [ended('video_a', 'completed'), ended('video_b', 'failed'), ended('video_c', 'completed')];
    const report = analyse(
      evidence([], {
        runs: jobs.map((job) => ({ tag: job.id, id: job.id, createAttempts: 1 })),
        jobs: new Map(jobs.map((job) => [job.id, job])),
        events: {
          accepted: new Map([
            ['video_a', ['video.completed', 'video.completed']],
            // the wrong event for how the job ended does not count
            ['video_c', ['video.failed']],
            ['video_b', ['video.failed']],
          ]),
          badSignatures: 0,
        },
      }),
    );
    expect(report).toMatchObject({ eventsLost: 1, duplicateDeliveries: 1, eventsDelivered: 2 });
    expect(report.problems.join('\n')).toContain('video_c');
  });
});
