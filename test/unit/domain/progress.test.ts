import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY as policy } from '../../../functions/core/domain/policy.ts';
import { archiveAllowanceMs, estimateProgress } from '../../../functions/core/domain/progress.ts';
import { markCompleted, markGenerated, markSubmitted } from '../../../functions/core/domain/transitions.ts';
import { toVideoObject } from '../../../functions/core/domain/video-object.ts';
import { newJob, T0 } from '../../support/jobs.ts';

const video = { url: 'https://v3b.fal.media/x.mp4' };
const archive = { key: 'k', bytes: 1, contentType: 'video/mp4', sha256: 'a' };

describe('progress and ETA', () => {
  const submitted = markSubmitted(newJob(), 'r', T0, policy);
  const typical = submitted.typicalGenerationMs;

  it('rises with the job’s age against the model’s typical time', () => {
    expect(estimateProgress(submitted, T0).progress).toBe(0);
    expect(estimateProgress(submitted, T0 + typical / 2).progress).toBe(45);
    expect(estimateProgress(submitted, T0 + typical).progress).toBe(90);
  });

  it('never reaches 100 before completion, however late the job runs', () => {
    for (const late of [typical * 2, typical * 10, typical * 1000]) {
      expect(estimateProgress(submitted, T0 + late).progress).toBeLessThan(100);
    }
    const generated = markGenerated(submitted, { requestId: 'r', video }, T0 + typical, policy);
    expect(estimateProgress(generated, T0 + typical * 50).progress).toBe(99);
    expect(
      estimateProgress(markCompleted(generated, archive, T0 + typical + 1), T0 + typical + 1).progress,
    ).toBe(100);
  });

  it('estimates completion after the typical time, never in the past', () => {
    expect(estimateProgress(submitted, T0).estimatedCompletionAt).toBeGreaterThan(T0 + typical);
    const late = T0 + typical * 3;
    expect(estimateProgress(submitted, late).estimatedCompletionAt).toBeGreaterThan(late);
  });
});

describe('ETA of a model (or emulator) that generates in seconds', () => {
  it('allows 10 s to archive a minute-long generation and less for one of seconds', () => {
    expect(archiveAllowanceMs(60_000)).toBe(10_000);
    expect(archiveAllowanceMs(180_000)).toBe(10_000);
    expect(archiveAllowanceMs(3_300)).toBe(550);
    expect(archiveAllowanceMs(100)).toBe(500);
  });

  it('a 3.3 s job is expected 3.85 s after its submit, and its progress climbs through the middle', () => {
    const quick = markSubmitted({ ...newJob(), typicalGenerationMs: 3_300 }, 'r', T0, policy);
    expect(estimateProgress(quick, T0).estimatedCompletionAt).toBe(T0 + 3_850);
    expect(estimateProgress(quick, T0 + 2_000).progress).toBe(54);
  });
});

describe('video object', () => {
  it('has exactly OpenAI’s fields plus Reelay’s extensions, in seconds', () => {
    const job = markSubmitted(newJob({ seed: 7 }), 'r', T0, policy);
    const object = toVideoObject(job, T0 + 1_000, null);
    expect(object).toEqual({
      id: job.id,
      object: 'video',
      status: 'in_progress',
      progress: 1, // 1 s of Seedance's typical 60 s, scaled to 90
      created_at: Math.floor(T0 / 1000),
      completed_at: null,
      expires_at: null,
      model: 'seedance-1.5-pro',
      prompt: 'a fox in the snow',
      seconds: '5',
      size: '1280x720',
      remixed_from_video_id: null,
      error: null,
      resolution: '720p',
      aspect_ratio: '16:9',
      generate_audio: true,
      seed: 7,
      style: null,
      final_prompt: 'a fox in the snow',
      estimated_completion_at: expect.any(Number),
      estimated_cost_usd: 0.2592,
      cost_usd: null,
      cost_basis: null,
      queue_position: null,
    });
  });

  it('sets expires_at from the retention period once completed', () => {
    const completed = markCompleted(
      markGenerated(newJob(), { requestId: 'r', video }, T0, policy),
      archive,
      T0 + 5_000,
    );
    const object = toVideoObject(completed, T0 + 6_000, 30);
    expect(object.completed_at).toBe(Math.floor((T0 + 5_000) / 1000));
    expect(object.expires_at).toBe(Math.floor((T0 + 5_000 + 30 * 86_400_000) / 1000));
    expect(toVideoObject(completed, T0, null).expires_at).toBeNull();
  });
});
