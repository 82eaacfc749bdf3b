import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redriveLocal } from '../../../dev/redrive.ts';
import { type Receiver, startReceiver } from '../../../dev/webhook-receiver.ts';
import { claimOutbox } from '../../../functions/core/domain/outbox.ts';
import { createHttpWebhookSender } from '../../../functions/core/events/http/webhook-sender.ts';
import { updateJob } from '../../../functions/core/jobs/update-job.ts';
import { createUrlGuard } from '../../../functions/core/net/url-guard.ts';
import type { EventQueue } from '../../../functions/core/queue/event-queue.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

/** An event queue that can lose every message sent while `lose` is on (a crash between write and send). */
const lossy = {
  lose: false,
  lost: [] as string[],
  target: undefined as EventQueue | undefined,
  enqueue(jobId: string, delayMs?: number) {
    if (lossy.lose) {
      lossy.lost.push(jobId);
      return Promise.resolve();
    }
    return (lossy.target as EventQueue).enqueue(jobId, delayMs);
  },
  /** Dead letters that fail to send (SQS unreachable at the worst moment). */
  failDeadLetters: 0,
  deadLetter(jobId: string) {
    if (lossy.failDeadLetters > 0) {
      lossy.failDeadLetters--;
      return Promise.reject(new Error('SQS unreachable'));
    }
    return (lossy.target as EventQueue).deadLetter(jobId);
  },
  greet(connectionId: string, delayMs?: number) {
    return (lossy.target as EventQueue).greet(connectionId, delayMs);
  },
};

/** DNS the test controls: a name can resolve to loopback at registration and elsewhere later. */
const dns = new Map<string, string[]>();
const resolve = async (host: string) => dns.get(host) ?? [];

let stack: TestStack;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startTestStack({
    env: { REELAY_WEBHOOK_RETRY_SCHEDULE: '0.05,0.05' },
    deps: {
      eventQueue: lossy,
      guardUrl: createUrlGuard({ allowLocal: true }, resolve),
      sendWebhook: createHttpWebhookSender({ rules: { allowLocal: true }, resolve, timeoutMs: 5_000 }),
    },
  });
  lossy.target = stack.eventQueue;
  receiver = await startReceiver();
  dns.set('hooks.example.com', ['127.0.0.1']);
});
afterAll(async () => {
  await stack.close();
  await receiver.close();
});

const hookUrl = (path: string) => `http://hooks.example.com:${new URL(receiver.url).port}${path}`;

async function endpoint(path: string) {
  const response = await stack.api('/v1/webhook_endpoints', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: hookUrl(path), name: path, event_types: ['video.completed'] }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { id: string };
}

describe('the outbox: no event is lost between the transition and a 2xx', () => {
  it('an event whose message was lost is re-driven by the reconciler, by index', async () => {
    await endpoint('/lost');
    lossy.lose = true;
    const video = await stack.createVideo({ prompt: 'a lost letter', seconds: '4' });
    await stack.settle(video.id);
    expect(lossy.lost).toContain(video.id);
    expect((await stack.job(video.id)).outbox).toMatchObject({
      event: { type: 'video.completed' },
      dueAt: expect.any(Number),
    });
    lossy.lose = false;
    stack.advance(61_000);
    await stack.reconcile();
    const [delivery] = await receiver.waitFor('/lost', 1);
    expect(JSON.parse(delivery?.body ?? '{}')).toMatchObject({ data: { id: video.id } });
    await stack.eventQueue.drained();
    expect((await stack.job(video.id)).outbox?.dueAt).toBeUndefined();
  });

  it('a delivery run that died holding the event is taken over once its lease ends', async () => {
    const { id } = await endpoint('/crashed');
    lossy.lose = true;
    const video = await stack.createVideo({ prompt: 'a dropped call', seconds: '4' });
    await stack.settle(video.id);
    lossy.lose = false;
    // a run took the event (fixed its sinks, holds the lease) and died before sending
    await updateJob(stack.deps, video.id, (current) =>
      claimOutbox(current, { sinks: [id], revive: false, leaseMs: 120_000 }, stack.deps.now()),
    );
    const taken = await stack.job(video.id);
    expect(taken.outbox?.leaseUntil).toEqual(expect.any(Number));
    stack.advance(61_000);
    await stack.reconcile();
    await stack.eventQueue.drained();
    // still held: nothing sent yet
    expect(receiver.at('/crashed')).toEqual([]);
    stack.advance(120_000);
    await stack.reconcile();
    await receiver.waitFor('/crashed', 1);
  });

  it('an event that spent its attempts is dead-lettered; a redrive revives it with the same webhook-id', async () => {
    let up = false;
    receiver.answer = (_, request) => ({ status: request.path === '/down' && !up ? 500 : 200 });
    const { id } = await endpoint('/down');
    const video = await stack.createVideo({ prompt: 'a closed shop', seconds: '4' });
    await stack.settle(video.id);
    await receiver.waitFor('/down', 3);
    await stack.eventQueue.drained();
    expect(stack.eventQueue.deadLetterMessages().map((m) => JSON.parse(m.body))).toEqual([
      { jobId: video.id, revive: true },
    ]);
    up = true;
    // npm run redrive -- --queue events, against the running stack
    expect(await redriveLocal(stack.url, 'events')).toBe(1);
    const attempts = await receiver.waitFor('/down', 4);
    expect(new Set(attempts.map((r) => r.headers['webhook-id'])).size).toBe(1);
    await stack.eventQueue.drained();
    expect((await stack.job(video.id)).outbox?.sinks?.[id]).toMatchObject({
      state: 'delivered',
      attempts: 4,
    });
  });

  it('a dead letter that could not be sent is not lost: the give-up is made again once the run’s lease ends', async () => {
    receiver.answer = (_, request) => ({ status: request.path === '/never' ? 500 : 200 });
    await endpoint('/never');
    lossy.failDeadLetters = 1;
    const before = stack.eventQueue.deadLetterMessages().length;
    const video = await stack.createVideo({ prompt: 'an unanswered letter', seconds: '4' });
    await stack.settle(video.id);
    await receiver.waitFor('/never', 3);
    await stack.eventQueue.drained();
    expect(lossy.failDeadLetters).toBe(0);
    expect(stack.eventQueue.deadLetterMessages()).toHaveLength(before);
    // the failed run still holds the event; once its lease is over the reconciler re-drives it
    stack.advance(120_000);
    await stack.reconcile();
    await receiver.waitFor('/never', 4);
    await stack.eventQueue.drained();
    expect(stack.eventQueue.deadLetterMessages().map((m) => JSON.parse(m.body))).toContainEqual({
      jobId: video.id,
      revive: true,
    });
  });

  it('a name that resolves to a private address at send time is refused, though it passed at registration', async () => {
    const { id } = await endpoint('/rebound');
    dns.set('hooks.example.com', ['10.0.0.7']);
    try {
      const video = await stack.createVideo({ prompt: 'a moved house', seconds: '4' });
      await stack.settle(video.id);
      await stack.eventQueue.drained();
      const deliveries = await (await stack.api(`/v1/webhook_endpoints/${id}/deliveries`)).json();
      expect(deliveries.data.length).toBeGreaterThan(0);
      for (const attempt of deliveries.data)
        expect(attempt).toMatchObject({ status_code: null, error: expect.stringContaining('refused') });
      expect(receiver.at('/rebound')).toEqual([]);
    } finally {
      dns.set('hooks.example.com', ['127.0.0.1']);
    }
  });
});
