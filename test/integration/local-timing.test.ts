import { afterEach, describe, expect, it } from 'vitest';
import type { VideoObject } from '../../functions/core/domain/video-object.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

/** The local stack tells the core how long the emulator really takes (issue: 70 s ETA for a 3 s job). */
describe('local progress and ETA follow the emulator’s timing', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('a job’s typical time is the emulator’s queue wait plus generation, and the ETA is seconds away', async () => {
    stack = await startTestStack({ emulator: { queueMs: 300, generationMs: 3_000 } });
    expect(stack.emulator?.typicalMs()).toBe(3_300);
    const video = (await stack.createVideo({ prompt: 'a fox', seconds: '4' })) as VideoObject;
    expect((await stack.job(video.id)).typicalGenerationMs).toBe(3_300);
    // 3.3 s of generation and a short archive allowance, not the catalog's 60 s + 10 s
    const eta = (video.estimated_completion_at ?? 0) - video.created_at;
    expect(eta).toBeGreaterThanOrEqual(3);
    expect(eta).toBeLessThanOrEqual(5);
  });

  it('an explicit REELAY_TYPICAL_GENERATION_SECONDS still wins', async () => {
    stack = await startTestStack({ env: { REELAY_TYPICAL_GENERATION_SECONDS: '45' } });
    const video = await stack.createVideo({ prompt: 'a fox', seconds: '4' });
    expect((await stack.job(video.id)).typicalGenerationMs).toBe(45_000);
  });
});
