import type { LocalStack } from '../../dev/local-stack.ts';
import { falDoneWith } from './fal-requests.ts';
import { waitUntil } from './wait-for.ts';

/**
 * Until nothing is left that could still change a job: at one moment, fal is done with it (every
 * request ended, every webhook delivered, dropped or given up) and neither queue holds a message
 * about it. What a test reads after this is final, not merely what it is so far.
 */
export function jobQuiet(stack: LocalStack, jobId: string, timeoutMs = 20_000): Promise<void> {
  const aboutJob = (body: string) => body.includes(`"${jobId}"`);
  return waitUntil(
    () =>
      falDoneWith(stack, jobId) !== undefined &&
      ![stack.queue, stack.followUps].some((queue) => queue.pendingBodies().some(aboutJob)),
    timeoutMs,
    `fal and the queues to be done with ${jobId}`,
  );
}
