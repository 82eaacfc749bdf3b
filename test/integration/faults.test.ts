import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAOS_FAULTS, type FaultTimings } from '../../dev/chaos/faults.ts';
import type { Job } from '../../functions/core/domain/job.ts';
import { falRequestsOf } from '../support/fal-requests.ts';
import { jobQuiet } from '../support/job-quiet.ts';
import { FAST_SERVICE_TIMINGS } from '../support/service-timings.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

/** Service timings scaled down as in the chaos run, so every recovery path runs in seconds of real time. */
const SERVICE_TIMINGS = {
  ...FAST_SERVICE_TIMINGS,
  FAL_REQUEST_TIMEOUT_SECONDS: '0.5',
  REELAY_WEBHOOK_GRACE_SECONDS: '2',
  REELAY_ARCHIVE_LEASE_SECONDS: '5',
};
// the service waits 1 s (typical) + 2 s (grace) for a webhook before it polls
const FAULT_TIMINGS: FaultTimings = {
  webhookDelayMs: 1_000,
  pastLaterDeliveryMs: 6_000,
  submitHangMs: 1_000,
};

let stack: TestStack;
let reconciling: NodeJS.Timeout;
beforeAll(async () => {
  stack = await startTestStack({ env: SERVICE_TIMINGS });
  // the schedule, as npm start runs it: a pass every 300 ms
  reconciling = setInterval(() => void stack.reconcile(), 300);
});
afterAll(async () => {
  clearInterval(reconciling);
  await stack.close();
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.concurrent('each fault issue 4 lists: the end state, fal requests and S3 writes', () => {
  for (const [index, fault] of CHAOS_FAULTS.entries()) {
    it(fault.name, async () => {
      const tag = `fault-${index}-x`;
      for (const falFault of fault.faults(tag, FAULT_TIMINGS)) stack.emulator?.injectFault(falFault);
      const video = await stack.createVideo({ prompt: `a kite over dunes ${tag}`, seconds: '4' });
      const ended: Job = await stack.waitForEnd(video.id, 25_000);
      // fal has sent all it will (late, duplicate and out-of-order deliveries included), and the queues
      // have done all those deliveries asked of them: none changed the outcome
      await jobQuiet(stack, video.id);
      expect(await stack.job(video.id)).toEqual(ended);

      expect(falRequestsOf(stack, video.id)).toHaveLength(fault.falRequests ?? 1);
      const key = `videos/local/${video.id}.mp4`;
      if (fault.fails) {
        expect(ended).toMatchObject({ state: 'failed', error: { code: fault.fails } });
        expect(stack.objectWrites.get(key)).toBeUndefined();
        return;
      }
      expect(ended.state).toBe('completed');
      expect(stack.objectWrites.get(key)).toBe(1);
      const falBytes = await stack.emulator?.outputBytes(ended.requestId as string);
      expect(ended.archive).toMatchObject({
        key,
        bytes: falBytes?.length,
        sha256: sha256(falBytes as Buffer),
      });
    }, 60_000);
  }
});
