import { describe, expect, it } from 'vitest';
import { overCap, wantsVideo } from '../../../functions/core/domain/connection.ts';
import { isTerminalEvent } from '../../../functions/core/domain/events.ts';
import type { Job } from '../../../functions/core/domain/job.ts';
import { DEFAULT_POLICY } from '../../../functions/core/domain/policy.ts';
import {
  createJob,
  markFailed,
  markSubmitted,
  requeueGeneration,
} from '../../../functions/core/domain/transitions.ts';

const NOW = 1_800_000_000_000;
const input = {
  id: 'video_0123456789abcdef0123456789abcdef',
  tenant: 't1',
  spec: {
    model: 'sora-2',
    prompt: 'p',
    seconds: '4',
    size: '1280x720',
    resolution: '720p',
    aspectRatio: '16:9',
  },
  falEndpoint: 'fal-ai/sora-2/text-to-video',
  falInput: {},
  estimatedCostUsd: 0.4,
  typicalGenerationMs: 60_000,
  webhookToken: 'tok',
} as unknown as Parameters<typeof createJob>[0];

describe('progress events on the job', () => {
  it('a waiting job records video.queued; an admitted one records nothing until fal takes it', () => {
    const waiting = createJob(input, NOW, DEFAULT_POLICY, { admission: 'waiting' } as never);
    expect(waiting.outbox?.event.type).toBe('video.queued');
    const admitted = createJob(input, NOW, DEFAULT_POLICY, { admission: 'active' } as never);
    expect(admitted.outbox).toBeUndefined();
    const submitted = markSubmitted(admitted, 'req-1', NOW + 1, DEFAULT_POLICY);
    expect(submitted.outbox).toMatchObject({
      event: { type: 'video.in_progress' },
      dueAt: expect.any(Number),
    });
  });

  it('a new generation is queued again under a new event id; the ending replaces any progress event', () => {
    const admitted = createJob(input, NOW, DEFAULT_POLICY, { admission: 'active' } as never);
    const first = markSubmitted(admitted, 'req-1', NOW + 1, DEFAULT_POLICY);
    const requeued = requeueGeneration(first, 'req-1', 'provider_error', NOW + 2, DEFAULT_POLICY);
    expect(requeued.outbox?.event.type).toBe('video.queued');
    const second = markSubmitted(requeued, 'req-2', NOW + 3, DEFAULT_POLICY);
    expect(second.outbox?.event.type).toBe('video.in_progress');
    expect(second.outbox?.event.id).not.toBe(first.outbox?.event.id);
    const failed = markFailed(second as Job, { code: 'x', message: 'y' }, NOW + 4);
    expect(failed.outbox?.event.type).toBe('video.failed');
    expect(isTerminalEvent('video.failed') && !isTerminalEvent('video.in_progress')).toBe(true);
  });
});

describe('connections', () => {
  const base = { tenant: 't1', connectedAt: NOW, expiresAt: NOW + 1 };
  it('a stream for one video wants only that video; a stream for all wants every one', () => {
    expect(wantsVideo({ ...base, connectionId: 'a', keyId: 'k' }, 'video_1')).toBe(true);
    expect(wantsVideo({ ...base, connectionId: 'a', keyId: 'k', videoId: 'video_1' }, 'video_1')).toBe(true);
    expect(wantsVideo({ ...base, connectionId: 'a', keyId: 'k', videoId: 'video_1' }, 'video_2')).toBe(false);
  });
  it("the cap counts the key's own streams only", () => {
    const open = [
      { ...base, connectionId: 'a', keyId: 'k1' },
      { ...base, connectionId: 'b', keyId: 'k1' },
      { ...base, connectionId: 'c', keyId: 'k2' },
    ];
    expect(overCap(open, 'k1', 2)).toBe(true);
    expect(overCap(open, 'k2', 2)).toBe(false);
    expect(overCap(open, 'k3', 1)).toBe(false);
  });
});
