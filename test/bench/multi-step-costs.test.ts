import { describe, expect, it } from 'vitest';
import type { CountingClient } from '../../dev/bench/counting-dynamo.ts';
import { startCounting } from '../../dev/bench/multi-step-costs.ts';
import type { FalEmulator } from '../../dev/fal-emulator/index.ts';
import type { LocalQueue } from '../../dev/local-queue.ts';

/** A queue's counters, moved by the test as messages are sent and handled; `onRead` runs at each read. */
function queue(onRead: () => void = () => {}) {
  const totals = { sent: 0, received: 0, deleted: 0 };
  return {
    totals,
    counts: () => {
      onRead();
      return { ...totals };
    },
  };
}

/** A counting client's view, reset by startCounting. */
function counter(counts: Record<string, number>) {
  let current = { ...counts };
  return {
    add: (key: string, n: number) => {
      current[key] = (current[key] ?? 0) + n;
    },
    client: { counts: () => ({ ...current }), reset: () => (current = {}) },
  };
}

describe('startCounting', () => {
  it('counts per job from its start, and waits for every message sent meanwhile to be handled', async () => {
    const stats = {
      submits: 10,
      submitsByEndpoint: { 'fal-ai/clip': 10 },
      statusCalls: 3,
      resultCalls: 0,
      webhookAttempts: 10,
    };
    const archive = queue();
    // the last event is delivered only after its queue was read a few times: counting must wait for it
    let reads = 0;
    let lastEventHandled = false;
    const events = queue(() => {
      if (++reads < 5 || lastEventHandled || events.totals.deleted === 0) return;
      lastEventHandled = true;
      events.totals.received += 1;
      events.totals.deleted += 1;
    });
    const followUps = queue();
    archive.totals.sent = archive.totals.received = archive.totals.deleted = 10;
    const api = counter({ 'PutItem reelay-jobs': 50 });
    const webhook = counter({});
    const finish = startCounting({
      counters: new Map([
        ['api', api.client as unknown as CountingClient],
        ['fal-webhook', webhook.client as unknown as CountingClient],
      ]),
      tables: { 'reelay-jobs': 'jobs' },
      emulator: { stats: () => structuredClone(stats) } as unknown as FalEmulator,
      queues: {
        archive: archive as unknown as LocalQueue,
        events: events as unknown as LocalQueue,
        followUps: followUps as unknown as LocalQueue,
      },
    });

    // two jobs: each a create write, 2 submits, 2 webhooks, a resubmit, an archive and an event
    api.add('PutItem reelay-jobs', 2);
    webhook.add('GetItem reelay-jobs', 4);
    stats.submits += 4;
    stats.submitsByEndpoint['fal-ai/clip'] += 2;
    Object.assign(stats.submitsByEndpoint, { 'fal-ai/merge': 2 });
    stats.webhookAttempts += 4;
    stats.resultCalls += 2;
    for (const q of [archive, events, followUps]) q.totals.sent += 2;
    archive.totals.received += 2;
    archive.totals.deleted += 2;
    followUps.totals.received += 2;
    followUps.totals.deleted += 2;
    events.totals.received += 1;
    events.totals.deleted += 1;

    expect(await finish(2, 2, 5_000)).toMatchObject({
      jobs: 2,
      completed: 2,
      dynamoTotal: 3,
      dynamo: { 'PutItem jobs': 1, 'GetItem jobs': 2 },
      dynamoByFunction: { api: 1, 'fal-webhook': 2 },
      falRequests: 5,
      falBreakdown: { submits: 2, webhooks: 2, reads: 1 },
      submitsByEndpoint: { 'fal-ai/clip': 1, 'fal-ai/merge': 1 },
      messages: { archive: 1, events: 1, followUp: 1, all: 3 },
      invocations: { api: 1, 'fal-webhook': 2, archiver: 1, 'event-deliverer': 1, 'follow-up': 1, all: 6 },
    });
    expect(lastEventHandled).toBe(true);
  });

  it('gives up when the queues do not settle in time', async () => {
    const stuck = queue();
    const finish = startCounting({
      counters: new Map(),
      tables: {},
      emulator: {
        stats: () => ({
          submits: 0,
          submitsByEndpoint: {},
          statusCalls: 0,
          resultCalls: 0,
          webhookAttempts: 0,
        }),
      } as unknown as FalEmulator,
      queues: {
        archive: stuck as unknown as LocalQueue,
        events: queue() as unknown as LocalQueue,
        followUps: queue() as unknown as LocalQueue,
      },
    });
    stuck.totals.sent = 1;
    await expect(finish(1, 0, 30)).rejects.toThrow(/did not settle/);
  });
});
