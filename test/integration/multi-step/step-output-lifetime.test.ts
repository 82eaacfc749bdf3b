import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FalFault } from '../../../dev/fal-emulator/index.ts';
import type { SequenceObject } from '../../../functions/core/domain/sequence.ts';
import { falRequestsOf } from '../../support/fal-requests.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

// fal keeps outputs for a short while by default here: a scene's clip made at the start of the
// sequence has expired by the time the merge reads it, unless the submit asked fal to keep it
const DEFAULT_MEDIA_TTL_MS = 1_200;

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ emulator: { generationMs: 2_000, mediaTtlMs: DEFAULT_MEDIA_TTL_MS } });
});
afterAll(() => stack.close());

describe('outputs a later step reads', () => {
  it('are kept by fal for the job’s maximum age, so a merge reads scenes older than fal’s default retention', async () => {
    stack.emulator?.injectFault({
      on: 'generation',
      error: 'internal_server_error',
      match: { promptIncludes: 'gulls' },
    } as FalFault);
    const response = await stack.api('/v1/sequences', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        model: 'seedance-1.5-pro',
        scenes: [
          { prompt: 'a harbour at dawn', seconds: '4' },
          { prompt: 'gulls over the boats', seconds: '4' },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const created = (await response.json()) as SequenceObject;
    const job = await stack.waitForEnd(created.video_id, 30_000);
    expect(job.state).toBe('completed');

    // the scenes run in parallel, each its own job; the second is generated twice, so the first's
    // clip waits for it
    const [firstScene, secondScene] = job.sceneIds ?? [];
    const [first] = falRequestsOf(stack, firstScene as string);
    const second = falRequestsOf(stack, secondScene as string).at(-1);
    const [merge] = falRequestsOf(stack, job.id);
    expect([first?.endpointId, second?.endpointId, merge?.endpointId]).toEqual([
      'fal-ai/bytedance/seedance/v1.5/pro/text-to-video',
      'fal-ai/bytedance/seedance/v1.5/pro/text-to-video',
      'fal-ai/ffmpeg-api/merge-videos',
    ]);
    // the case this is about: the first clip was past fal's default retention when the merge was asked
    expect((merge?.submittedAt ?? 0) - (first?.completedAt ?? Number.POSITIVE_INFINITY)).toBeGreaterThan(
      DEFAULT_MEDIA_TTL_MS,
    );
    expect(first?.mediaTtlMs).toBe(stack.deps.policy.maxJobAgeMs);
    expect(second?.mediaTtlMs).toBe(stack.deps.policy.maxJobAgeMs);
    // the merged video is copied to S3 at once: fal's default is enough
    expect(merge?.mediaTtlMs).toBe(DEFAULT_MEDIA_TTL_MS);
    expect(merge?.outcome).toBe('ok');
  });
});
