import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { videoEvent } from '../../../functions/core/domain/events.ts';
import { recordEvent } from '../../../functions/core/domain/outbox.ts';
import { markFailed } from '../../../functions/core/domain/transitions.ts';
import { deliverEvents } from '../../../functions/core/events/deliver-events.ts';
import { updateJob } from '../../../functions/core/jobs/update-job.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';
import { type Receiver, startReceiver } from '../../support/webhook-receiver.ts';

let stack: TestStack;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startTestStack({ emulator: { generationMs: 1_000 } });
  receiver = await startReceiver();
});
afterAll(async () => {
  await stack.close();
  await receiver.close();
});

const typesOf = (receiver: Receiver) =>
  receiver.deliveries.map((d) => JSON.parse(d.body.toString()) as { type: string; data: { id: string } });

describe('video.queued and video.in_progress through the outbox', () => {
  it('reach a webhook endpoint subscribed to them, in order, before video.completed; callback_url hears only the end', async () => {
    const endpoint = await stack.api('/v1/webhook_endpoints', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        url: `${receiver.url}/all`,
        name: 'all',
        event_types: ['video.in_progress', 'video.completed'],
      }),
    });
    expect(endpoint.status).toBe(200);
    const callback = await startReceiver();
    const video = await stack.createVideo({
      prompt: 'a crane over a river, every event',
      seconds: '4',
      callback_url: `${callback.url}/cb`,
    });
    await stack.waitForEnd(video.id);
    await receiver.waitFor(2);
    const mine = typesOf(receiver).filter((event) => event.data.id === video.id);
    expect(mine.map((event) => event.type)).toEqual(['video.in_progress', 'video.completed']);
    await callback.waitFor(1);
    expect(typesOf(callback).map((event) => event.type)).toEqual(['video.completed']);
    await callback.close();
    await stack.api(`/v1/webhook_endpoints/${(await endpoint.json()).id}`, { method: 'DELETE' });
  });

  it('a delivery run that chose sinks for a progress event does not settle the ending event that replaced it', async () => {
    // a long generation: the job stays in progress while the race is replayed
    stack.emulator?.setGenerationMs(30_000);
    const video = await stack.createVideo({ prompt: 'a gull on a post, ends mid-run', seconds: '4' });
    stack.emulator?.setGenerationMs(1_000);
    await stack.waitForJob(video.id, ['submitted']);
    // a progress event not yet taken by any run (its own message may have been handled already)
    const now = Date.now();
    await updateJob(stack.deps, video.id, (job) => ({
      ...job,
      outbox: recordEvent(videoEvent(job.id, 'video.in_progress', now, job.version + 1)),
      version: job.version + 1,
      updatedAt: now,
    }));
    // the failed event's own message is held back, so what this run did is what the test sees
    const held = { ...stack.deps.eventQueue, enqueue: async () => undefined };
    // the race: between choosing the sinks (the endpoint list) and claiming, the job fails
    const racing = {
      ...stack.deps,
      webhooks: {
        ...stack.deps.webhooks,
        listEndpoints: async (...args: Parameters<typeof stack.deps.webhooks.listEndpoints>) => {
          await updateJob({ ...stack.deps, eventQueue: held }, video.id, (job) =>
            markFailed(job, { code: 'test_failure', message: 'ended during a delivery run' }, Date.now()),
          );
          return stack.deps.webhooks.listEndpoints(...args);
        },
      },
      eventQueue: held,
    };
    expect(await deliverEvents(racing, video.id)).toBeUndefined();
    const ended = await stack.job(video.id);
    expect(ended.outbox?.event.type).toBe('video.failed');
    // its sinks are for its own run to choose (the subscribers to video.failed)
    expect(ended.outbox?.sinks).toBeUndefined();
    expect(ended.outbox?.dueAt).toBeDefined();
  });
});
