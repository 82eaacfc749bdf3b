import { describe, expect, it } from 'vitest';
import { eventBody, videoEvent } from '../../../functions/core/domain/events.ts';
import {
  afterAttempt,
  claimOutbox,
  DEFAULT_SCHEDULE,
  dueSinks,
  EVENT_PICKUP_MS,
  markEventResent,
  type Outbox,
  recordAttempts,
  recordEvent,
  type SinkProgress,
} from '../../../functions/core/domain/outbox.ts';
import {
  afterDelivery,
  DISABLE_AFTER_FAILING_MS,
  type WebhookEndpoint,
} from '../../../functions/core/domain/webhook-endpoint.ts';

const NOW = 1_800_000_000_000;
const fresh: SinkProgress = { state: 'pending', attempts: 0 };
const job = (outbox?: Outbox) => ({ id: 'video_x', version: 3, updatedAt: 0, outbox });

describe('events', () => {
  it('one event per job and type: the id is derived, and the body is OpenAI’s shape', () => {
    const event = videoEvent('video_abc', 'video.completed', NOW);
    expect(videoEvent('video_abc', 'video.completed', NOW + 5).id).toBe(event.id);
    expect(videoEvent('video_abc', 'video.failed', NOW).id).not.toBe(event.id);
    expect(JSON.parse(eventBody(event))).toEqual({
      id: event.id,
      object: 'event',
      created_at: NOW / 1000,
      type: 'video.completed',
      data: { id: 'video_abc' },
    });
  });
});

describe('retries', () => {
  it('follows the Standard Webhooks schedule within the jitter, and gives up after the last delay', () => {
    let progress = fresh;
    const delays: number[] = [];
    for (let attempt = 0; attempt < 7; attempt++) {
      progress = afterAttempt(progress, { kind: 'failed', statusCode: 500 }, NOW, DEFAULT_SCHEDULE, 0.5);
      delays.push((progress.nextAt as number) - NOW);
    }
    expect(delays).toEqual([5, 300, 1_800, 7_200, 18_000, 36_000, 36_000].map((s) => s * 1000));
    expect(afterAttempt(progress, { kind: 'failed' }, NOW, DEFAULT_SCHEDULE, 0.5)).toMatchObject({
      state: 'dead',
      attempts: 8,
      nextAt: undefined,
    });
    const low = afterAttempt(fresh, { kind: 'failed' }, NOW, DEFAULT_SCHEDULE, 0);
    const high = afterAttempt(fresh, { kind: 'failed' }, NOW, DEFAULT_SCHEDULE, 0.999);
    expect((low.nextAt as number) - NOW).toBe(4_000);
    expect((high.nextAt as number) - NOW).toBeGreaterThan(5_900);
  });

  it('2xx delivers; 410 disables; a missing sink is skipped without an attempt', () => {
    expect(
      afterAttempt(fresh, { kind: 'delivered', statusCode: 204 }, NOW, DEFAULT_SCHEDULE, 0),
    ).toMatchObject({
      state: 'delivered',
      attempts: 1,
      deliveredAt: NOW,
      lastStatusCode: 204,
    });
    expect(afterAttempt(fresh, { kind: 'gone', statusCode: 410 }, NOW, DEFAULT_SCHEDULE, 0)).toMatchObject({
      state: 'disabled',
      attempts: 1,
    });
    expect(
      afterAttempt(fresh, { kind: 'skipped', reason: 'deleted' }, NOW, DEFAULT_SCHEDULE, 0),
    ).toMatchObject({
      state: 'disabled',
      attempts: 0,
    });
  });
});

describe('the outbox on a job', () => {
  const recorded = recordEvent(videoEvent('video_x', 'video.completed', NOW));

  it('is due for the reconciler only after the pickup time', () => {
    expect(recorded.dueAt).toBe(NOW + EVENT_PICKUP_MS);
    expect(markEventResent(job(recorded), NOW)).toBeUndefined();
    expect(markEventResent(job(recorded), NOW + EVENT_PICKUP_MS)?.outbox?.dueAt).toBe(
      NOW + 2 * EVENT_PICKUP_MS,
    );
  });

  it('a first run with no subscriber settles the event; a run fixes the sinks and holds a lease', () => {
    expect(
      claimOutbox(job(recorded), { sinks: [], revive: false, leaseMs: 1_000 }, NOW)?.outbox,
    ).toMatchObject({
      sinks: {},
      dueAt: undefined,
    });
    const claimed = claimOutbox(
      job(recorded),
      { sinks: ['whe_a', 'callback'], revive: false, leaseMs: 1_000 },
      NOW,
    );
    expect(claimed?.version).toBe(4);
    expect(claimed?.outbox).toMatchObject({ leaseUntil: NOW + 1_000, dueAt: NOW + 1_000 });
    expect(dueSinks(claimed?.outbox as Outbox, NOW)).toEqual(['whe_a', 'callback']);
    // held: a second run takes nothing until the lease ends
    expect(
      claimOutbox(claimed as ReturnType<typeof job>, { sinks: [], revive: false, leaseMs: 1_000 }, NOW + 999),
    ).toBeUndefined();
  });

  it('recording the results gives the lease back and is due again at the next retry', () => {
    const claimed = claimOutbox(
      job(recorded),
      { sinks: ['whe_a', 'whe_b'], revive: false, leaseMs: 1_000 },
      NOW,
    ) as ReturnType<typeof job>;
    const lease = claimed.outbox?.leaseUntil;
    const after = recordAttempts(
      claimed,
      recorded.event.id,
      {
        whe_a: { state: 'delivered', attempts: 1 },
        whe_b: { state: 'pending', attempts: 1, nextAt: NOW + 5_000 },
      },
      lease,
      NOW,
    );
    expect(after?.outbox).toMatchObject({ leaseUntil: undefined, dueAt: NOW + 5_000 + EVENT_PICKUP_MS });
    // an early message finds nothing due and takes nothing
    expect(
      claimOutbox(after as ReturnType<typeof job>, { sinks: [], revive: false, leaseMs: 1_000 }, NOW + 10),
    ).toBeUndefined();
    const done = recordAttempts(
      after as ReturnType<typeof job>,
      recorded.event.id,
      { whe_b: { state: 'delivered', attempts: 2 } },
      undefined,
      NOW,
    );
    expect(done?.outbox?.dueAt).toBeUndefined();
  });

  it("a run's results are not written onto the event that superseded the one it sent", () => {
    const progress = recordEvent(videoEvent('video_x', 'video.in_progress', NOW, 2));
    const claimed = claimOutbox(
      job(progress),
      { sinks: ['live'], revive: false, leaseMs: 1_000 },
      NOW,
    ) as ReturnType<typeof job>;
    // the job ended while the run was sending: its terminal event took the outbox
    const ended = { ...claimed, outbox: recorded, version: claimed.version + 1 };
    expect(
      recordAttempts(ended, progress.event.id, { live: { state: 'delivered', attempts: 1 } }, undefined, NOW),
    ).toBeUndefined();
    expect(progress.event.id).not.toBe(videoEvent('video_x', 'video.in_progress', NOW, 5).id);
  });

  it('a redriven dead letter revives only the sinks that gave up', () => {
    const outbox: Outbox = {
      ...recorded,
      dueAt: undefined,
      sinks: { whe_a: { state: 'dead', attempts: 8 }, whe_b: { state: 'delivered', attempts: 1 } },
    };
    expect(claimOutbox(job(outbox), { sinks: [], revive: false, leaseMs: 1_000 }, NOW)).toBeUndefined();
    const revived = claimOutbox(job(outbox), { sinks: [], revive: true, leaseMs: 1_000 }, NOW);
    expect(revived?.outbox?.sinks).toEqual({
      whe_a: { state: 'pending', attempts: 8, nextAt: NOW },
      whe_b: { state: 'delivered', attempts: 1 },
    });
  });
});

describe('endpoint health', () => {
  const endpoint: WebhookEndpoint = {
    id: 'whe_x',
    tenant: 't',
    url: 'https://example.com/h',
    name: '',
    eventTypes: ['video.completed'],
    secrets: [],
    createdAt: NOW,
    updatedAt: NOW,
    version: 1,
  };

  it('a failure starts a streak, a success ends it, five days of failures or a 410 disable', () => {
    const failing = afterDelivery(endpoint, { kind: 'failed', statusCode: 500 }, NOW);
    expect(failing?.failingSince).toBe(NOW);
    expect(afterDelivery(failing as WebhookEndpoint, { kind: 'failed' }, NOW + 1_000)).toBeUndefined();
    expect(
      afterDelivery(failing as WebhookEndpoint, { kind: 'delivered', statusCode: 200 }, NOW + 1_000),
    ).toMatchObject({
      failingSince: undefined,
    });
    expect(
      afterDelivery(failing as WebhookEndpoint, { kind: 'failed' }, NOW + DISABLE_AFTER_FAILING_MS),
    ).toMatchObject({
      disabledAt: NOW + DISABLE_AFTER_FAILING_MS,
      disabledReason: expect.stringContaining('5 days'),
    });
    expect(afterDelivery(endpoint, { kind: 'gone', statusCode: 410 }, NOW)).toMatchObject({
      disabledAt: NOW,
    });
  });
});
