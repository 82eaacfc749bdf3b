import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

describe('an API request is bounded by its own deadline, not by fal', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // fal's own call timeout stays at its default (20 s); the request may take 2 s
    stack = await startTestStack({ env: { REELAY_API_DEADLINE_SECONDS: '2' } });
  });
  afterAll(() => stack.close());

  it('a submit fal never answers is cut at the deadline; the create answers with the job recorded for a retry', {
    timeout: 12_000,
  }, async () => {
    stack.emulator?.injectFault({ on: 'submit', hangMs: 60_000, match: { promptIncludes: 'hangs at fal' } });
    const video = await stack.createVideo({ prompt: 'hangs at fal', seconds: '4' });
    expect(video.status).toBe('queued');
    const job = await stack.job(video.id);
    // the abort is recorded as "no answer": fal may have accepted it, so nobody resubmits before its webhook could come
    expect(job).toMatchObject({ state: 'queued', submitAttempts: 1 });
    expect(job.lastFault).toMatch(/no answer from fal/);
    expect(job.dueAt).toBeGreaterThan(stack.deps.now());
  });
});
