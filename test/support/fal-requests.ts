import type { EmulatedRequest } from '../../dev/fal-emulator/index.ts';
import type { LocalStack } from '../../dev/local-stack.ts';
import { waitFor } from './wait-for.ts';

/** Submits the stack's fal (its emulator) has accepted so far, for any job. */
export const falSubmits = (stack: LocalStack): number => stack.emulator?.stats().submits ?? 0;

/** Accepted submits whose input mentions `text` (a prompt), whichever job they were for. */
export const falSubmitsFor = (stack: LocalStack, text: string): number =>
  (stack.emulator?.requests() ?? []).filter((request) => JSON.stringify(request.input).includes(text)).length;

/** The fal requests made for one job (its webhook URL names the job), in submit order. */
export const falRequestsOf = (stack: LocalStack, jobId: string): EmulatedRequest[] =>
  (stack.emulator?.requests() ?? []).filter((request) => request.webhookUrl?.includes(`job=${jobId}&`));

/**
 * The job's requests if fal has nothing more to do or send about it (every request ended, every
 * webhook delivered, dropped or given up with no attempt pending), else undefined. The emulator's
 * record says so, so no delivery can still come late.
 */
export function falDoneWith(stack: LocalStack, jobId: string): EmulatedRequest[] | undefined {
  const requests = falRequestsOf(stack, jobId);
  const done = requests.every(
    (r) =>
      r.state === 'COMPLETED' &&
      (!r.webhook || r.webhook.delivered || r.webhook.dropped || r.webhook.givenUp) &&
      r.webhook?.nextAttemptAt == null,
  );
  return requests.length > 0 && done ? requests : undefined;
}

/** Until fal is done with a job it was asked for (see falDoneWith); answers the job's requests. */
export function falSettled(stack: LocalStack, jobId: string, timeoutMs = 20_000): Promise<EmulatedRequest[]> {
  return waitFor(() => falDoneWith(stack, jobId), timeoutMs, `fal to settle job ${jobId}`);
}
