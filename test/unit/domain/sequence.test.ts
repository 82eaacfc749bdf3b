import { describe, expect, it } from 'vitest';
import { resolveVideo } from '../../../functions/core/domain/catalog/index.ts';
import type { Job } from '../../../functions/core/domain/job.ts';
import { DEFAULT_POLICY as policy } from '../../../functions/core/domain/policy.ts';
import {
  checkScenes,
  planSequence,
  sceneFrame,
  sequenceIdOf,
  toSequenceObject,
  videoIdOf,
} from '../../../functions/core/domain/sequence.ts';
import {
  advanceStep,
  createJob,
  markFailed,
  markSubmitted,
} from '../../../functions/core/domain/transitions.ts';
import { T0 } from '../../support/jobs.ts';

function sequenceJob(continuity: boolean): Job {
  const scenes = ['dawn', 'noon', 'dusk'].map((prompt, index) =>
    resolveVideo({ prompt, seconds: '4', imageUrl: sceneFrame(index, continuity) }),
  );
  const planned = planSequence(scenes, continuity);
  return createJob(
    {
      id: 'video_0000000000000000000000000000000c',
      tenant: 'acme',
      spec: planned.spec,
      falEndpoint: planned.falEndpoint,
      falInput: planned.falInput,
      estimatedCostUsd: planned.estimatedCostUsd,
      typicalGenerationMs: planned.typicalGenerationMs,
      webhookToken: 't0',
      plan: planned.plan,
    },
    T0,
    policy,
  );
}

/** Finishes the current step with an output named after it. */
const finish = (job: Job, n: number) =>
  advanceStep(
    markSubmitted(job, `r${n}`, T0 + n, policy),
    { requestId: `r${n}`, outputUrl: `https://v3b.fal.media/files/${n}.out` },
    `t${n + 1}`,
    T0 + n,
    policy,
  );

describe('a sequence plan', () => {
  it('with continuity takes a frame between scenes and starts each scene from it', () => {
    const job = sequenceJob(true);
    expect(job.plan?.steps.map((step) => step.kind)).toEqual([
      'generate',
      'extract-frame',
      'generate',
      'extract-frame',
      'generate',
      'merge',
    ]);
    expect(job.spec).toMatchObject({ seconds: '12', sequence: { continuity: true } });
    const atScene2 = finish(finish(job, 0), 1);
    expect(atScene2.falInput.image_url).toBe('https://v3b.fal.media/files/1.out');
    expect(atScene2.falEndpoint).toContain('image-to-video');
  });

  it('without continuity merges the scenes in order', () => {
    let job = sequenceJob(false);
    for (let n = 0; n < 3; n++) job = finish(job, n);
    expect(job.falInput).toEqual({
      video_urls: [0, 1, 2].map((n) => `https://v3b.fal.media/files/${n}.out`),
    });
  });

  it('shows each scene’s status, and the failing scene’s error', () => {
    const job = finish(finish(sequenceJob(true), 0), 1);
    const running = toSequenceObject(markSubmitted(job, 'r2', T0 + 3, policy), T0 + 3);
    expect(running.scenes.map((scene) => scene.status)).toEqual(['completed', 'in_progress', 'queued']);
    expect(running.id).toBe(sequenceIdOf(job.id));
    expect(videoIdOf(running.id)).toBe(job.id);
    const failed = toSequenceObject(
      markFailed(job, { code: 'content_policy_violation', message: 'no' }, T0 + 4),
      T0 + 4,
    );
    expect(failed.scenes.map((scene) => [scene.status, scene.error?.code ?? null])).toEqual([
      ['completed', null],
      ['failed', 'content_policy_violation'],
      ['failed', 'cancelled'],
    ]);
  });

  it('refuses too few, too many or too long scenes', () => {
    expect(() => checkScenes([{}], '4')).toThrow(/2 to 8 scenes/);
    expect(() =>
      checkScenes(
        Array.from({ length: 9 }, () => ({})),
        '4',
      ),
    ).toThrow(/2 to 8 scenes/);
    expect(() =>
      checkScenes(
        Array.from({ length: 8 }, () => ({ seconds: '16' })),
        '4',
      ),
    ).toThrow(/128/);
  });
});
