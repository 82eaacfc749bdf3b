import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../../functions/core/domain/policy.ts';
import {
  claimForSubmit,
  createJob,
  markSubmitted,
  scheduleSubmitRetry,
} from '../../../functions/core/domain/transitions.ts';
import { isCurrentRequest, isOrphanRequest } from '../../../functions/core/jobs/apply-fal-outcome.ts';
import { newJob, T0 } from '../../support/jobs.ts';

const R1 = 'request-1';
const R2 = 'request-2';

describe('which unrecorded fal requests a job may take (M1)', () => {
  it('a fresh job’s submit is in flight: the webhook that beats its answer is taken', () => {
    const job = newJob();
    expect(job.openSubmits).toBe(1);
    expect(isCurrentRequest(job, R1)).toBe(true);
  });

  it('a job waiting for a slot has sent nothing: no request id is its own', () => {
    const { openSubmits: _, ...base } = newJob();
    const waiting = createJob(base, T0, DEFAULT_POLICY, { admission: 'waiting' });
    expect(isCurrentRequest(waiting, R1)).toBe(false);
  });

  it('a refused submit closes its attempt; one that got no answer stays open', () => {
    const refused = scheduleSubmitRetry(newJob(), 'fal answered 503', T0 + 5_000, T0);
    expect(isCurrentRequest(refused, R1)).toBe(false);
    const lost = scheduleSubmitRetry(newJob(), 'no answer from fal', T0 + 5_000, T0, true);
    expect(isCurrentRequest(lost, R1)).toBe(true);
  });

  it('adopts an orphan only when an earlier submit’s answer was lost', () => {
    const answered = markSubmitted(newJob(), R1, T0, DEFAULT_POLICY);
    expect(isOrphanRequest(answered, R2)).toBe(false);
    const lost = scheduleSubmitRetry(newJob(), 'no answer from fal', T0 + 5_000, T0, true);
    const resent = markSubmitted(
      claimForSubmit(lost, T0 + 5_000, DEFAULT_POLICY),
      R1,
      T0 + 6_000,
      DEFAULT_POLICY,
    );
    expect(resent.openSubmits).toBe(1);
    expect(isOrphanRequest(resent, R2)).toBe(true);
    expect(isOrphanRequest(resent, R1)).toBe(false);
  });
});
