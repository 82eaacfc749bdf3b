import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY as policy } from '../../../functions/core/domain/policy.ts';
import {
  claimForArchive,
  claimForSubmit,
  InvalidTransitionError,
  isArchiveLeased,
  markCompleted,
  markDeleted,
  markFailed,
  markGenerated,
  markSubmitted,
  releaseArchive,
  renewArchiveLease,
  requeueGeneration,
  scheduleSubmitRetry,
  submitLeaseUntil,
} from '../../../functions/core/domain/transitions.ts';
import { newJob, T0 } from '../../support/jobs.ts';

const video = { url: 'https://v3b.fal.media/files/x/output.mp4', contentType: 'video/mp4' };
const archive = { key: 'videos/acme/x.mp4', bytes: 10, contentType: 'video/mp4', sha256: 'ab' };

describe('job state machine', () => {
  it('records a new job as queued, its creator holding the first submit attempt', () => {
    const job = newJob();
    expect(job).toMatchObject({ state: 'queued', version: 1, submitAttempts: 1, priorRequestIds: [] });
    // nobody else submits before a possibly accepted submit's webhook would have come
    expect(job.dueAt).toBe(T0 + job.typicalGenerationMs + policy.webhookGraceMs);
    expect(submitLeaseUntil(job, T0, policy)).toBe(job.dueAt);
  });

  it('counts an attempt when a submit lease is granted, so a taker that dies still uses one up', () => {
    const retried = scheduleSubmitRetry(newJob(), 'fal answered 503', T0 + 9_000, T0);
    expect(retried.submitAttempts).toBe(1);
    const claimed = claimForSubmit(retried, T0 + 9_000, policy);
    expect(claimed).toMatchObject({
      submitAttempts: 2,
      dueAt: submitLeaseUntil(retried, T0 + 9_000, policy),
    });
    expect(markSubmitted(claimed, 'r', T0 + 9_001, policy).submitAttempts).toBe(2);
  });

  it('walks queued → submitted → generated → completed, bumping the version each step', () => {
    const submitted = markSubmitted(newJob(), 'req-1', T0 + 1, policy);
    expect(submitted).toMatchObject({
      state: 'submitted',
      requestId: 'req-1',
      version: 2,
      submitAttempts: 1,
    });
    expect(submitted.dueAt).toBe(T0 + 1 + submitted.typicalGenerationMs + policy.webhookGraceMs);
    const generated = markGenerated(
      submitted,
      { requestId: 'req-1', video, seed: '17454220438242315174' },
      T0 + 2,
      policy,
    );
    expect(generated).toMatchObject({
      state: 'generated',
      video,
      outputSeed: '17454220438242315174',
      version: 3,
    });
    const completed = markCompleted(generated, archive, T0 + 3);
    expect(completed).toMatchObject({ state: 'completed', archive, completedAt: T0 + 3, version: 4 });
    expect(completed.video).toBeUndefined();
    expect(completed.dueAt).toBeUndefined();
  });

  it('keeps the request it gives up on as a prior attempt when it adopts another request’s video', () => {
    const submitted = markSubmitted(newJob(), 'req-2', T0 + 1, policy);
    const adopted = markGenerated(submitted, { requestId: 'req-1', video }, T0 + 2, policy);
    expect(adopted).toMatchObject({ state: 'generated', requestId: 'req-1', priorRequestIds: ['req-2'] });
    const same = markGenerated(submitted, { requestId: 'req-2', video }, T0 + 2, policy);
    expect(same.priorRequestIds).toEqual([]);
  });

  it('lets a webhook that beats the submit answer move a queued job straight to generated', () => {
    const generated = markGenerated(newJob(), { requestId: 'req-early', video }, T0 + 5, policy);
    expect(generated).toMatchObject({
      state: 'generated',
      requestId: 'req-early',
      submitAttempts: 1,
      submittedAt: T0 + 5,
    });
  });

  it('never changes a terminal state', () => {
    const failed = markFailed(newJob(), { code: 'x', message: 'y' }, T0);
    const completed = markCompleted(
      markGenerated(newJob(), { requestId: 'r', video }, T0, policy),
      archive,
      T0,
    );
    for (const terminal of [failed, completed]) {
      expect(() => markSubmitted(terminal, 'r2', T0, policy)).toThrow(InvalidTransitionError);
      expect(() => markGenerated(terminal, { requestId: 'r2', video }, T0, policy)).toThrow(
        InvalidTransitionError,
      );
      expect(() => markFailed(terminal, { code: 'x', message: 'y' }, T0)).toThrow(InvalidTransitionError);
      expect(() => requeueGeneration(terminal, 'r', 'fault', T0, policy)).toThrow(InvalidTransitionError);
    }
    expect(() => markCompleted(failed, archive, T0)).toThrow(InvalidTransitionError);
  });

  it('refuses out-of-order steps', () => {
    expect(() => markCompleted(newJob(), archive, T0)).toThrow(InvalidTransitionError);
    const submitted = markSubmitted(newJob(), 'r', T0, policy);
    expect(() => markSubmitted(submitted, 'r', T0, policy)).toThrow(InvalidTransitionError);
    expect(() => claimForSubmit(submitted, T0, policy)).toThrow(InvalidTransitionError);
    expect(() => scheduleSubmitRetry(submitted, 'f', T0, T0)).toThrow(InvalidTransitionError);
  });

  it('schedules a submit retry on the queued job', () => {
    const retried = scheduleSubmitRetry(newJob(), 'fal answered 503', T0 + 9_000, T0);
    expect(retried).toMatchObject({ state: 'queued', dueAt: T0 + 9_000, lastFault: 'fal answered 503' });
  });

  it('requeues a retryable generation failure, remembering the failed request id, with fresh attempts', () => {
    const submitted = markSubmitted(claimForSubmit(newJob(), T0, policy), 'req-1', T0, policy);
    expect(submitted.submitAttempts).toBe(2);
    const requeued = requeueGeneration(submitted, 'req-1', 'generation_timeout', T0 + 1, policy);
    expect(requeued).toMatchObject({
      state: 'queued',
      priorRequestIds: ['req-1'],
      lastFault: 'generation_timeout',
      submitAttempts: 1,
    });
    expect(requeued.requestId).toBeUndefined();
    const again = markSubmitted(requeued, 'req-2', T0 + 2, policy);
    expect(again).toMatchObject({ requestId: 'req-2', priorRequestIds: ['req-1'], submitAttempts: 1 });
  });

  it('leases an archive once, and releases it on failure', () => {
    const generated = markGenerated(newJob(), { requestId: 'r', video }, T0, policy);
    const claimed = claimForArchive(generated, 'worker-a', T0 + 1, policy);
    expect(claimed.archiveAttempts).toBe(1);
    expect(claimed.archiveLease).toEqual({
      holder: 'worker-a',
      version: 1,
      until: T0 + 1 + policy.archiveLeaseMs,
    });
    expect(isArchiveLeased(claimed, T0 + 2)).toBe(true);
    expect(() => claimForArchive(claimed, 'worker-b', T0 + 2, policy)).toThrow(InvalidTransitionError);
    expect(isArchiveLeased(claimed, T0 + 1 + policy.archiveLeaseMs)).toBe(false);
    const released = releaseArchive(claimed, 'download failed', T0 + 3, policy);
    expect(isArchiveLeased(released, T0 + 4)).toBe(false);
    expect(claimForArchive(released, 'worker-b', T0 + 4, policy).archiveAttempts).toBe(2);
  });

  it('only the holder renews an archive lease, which moves its end and the due time on', () => {
    const generated = markGenerated(newJob(), { requestId: 'r', video }, T0, policy);
    const claimed = claimForArchive(generated, 'worker-a', T0, policy);
    const renewed = renewArchiveLease(claimed, 'worker-a', T0 + 20_000, policy);
    expect(renewed).toMatchObject({
      archiveLease: { holder: 'worker-a', version: 2, until: T0 + 20_000 + policy.archiveLeaseMs },
      dueAt: T0 + 20_000 + policy.archiveLeaseMs,
      version: claimed.version + 1,
    });
    expect(renewArchiveLease(claimed, 'worker-b', T0 + 20_000, policy)).toBeUndefined();
    // ran out, nobody took it: still the holder's; taken over: not any more
    expect(
      renewArchiveLease(claimed, 'worker-a', T0 + 2 * policy.archiveLeaseMs, policy)?.archiveLease?.version,
    ).toBe(2);
    const takenOver = claimForArchive(claimed, 'worker-b', T0 + policy.archiveLeaseMs, policy);
    expect(takenOver.archiveLease?.holder).toBe('worker-b');
    expect(renewArchiveLease(takenOver, 'worker-a', T0 + policy.archiveLeaseMs + 1, policy)).toBeUndefined();
    const done = markCompleted(
      takenOver,
      { key: 'k', bytes: 1, contentType: 'video/mp4', sha256: 'x' },
      T0 + 1,
    );
    expect(done.archiveLease).toBeUndefined();
    expect(renewArchiveLease(done, 'worker-b', T0 + 2, policy)).toBeUndefined();
  });

  it('deletes an active job as cancelled, and a finished one without changing its state', () => {
    const deleted = markDeleted(markSubmitted(newJob(), 'r', T0, policy), T0 + 1);
    expect(deleted).toMatchObject({ state: 'failed', error: { code: 'cancelled' }, deletedAt: T0 + 1 });
    const completed = markCompleted(
      markGenerated(newJob(), { requestId: 'r', video }, T0, policy),
      archive,
      T0,
    );
    expect(markDeleted(completed, T0 + 1)).toMatchObject({
      state: 'completed',
      deletedAt: T0 + 1,
      version: completed.version + 1,
    });
  });
});
