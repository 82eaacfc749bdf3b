import { AsyncLocalStorage } from 'node:async_hooks';

/** Kept back from every deadline so the caller can still record what happened and answer. */
export const ANSWER_RESERVE_MS = 1_000;

const current = new AsyncLocalStorage<number>();

/**
 * Runs `work` under a deadline (epoch ms): every outbound call made inside it is cut to what is left,
 * so a request cannot outlive whoever waits for its answer. A nested deadline never extends an outer one.
 */
export function withDeadline<T>(deadlineAt: number, work: () => T): T {
  const outer = current.getStore();
  return current.run(outer === undefined ? deadlineAt : Math.min(outer, deadlineAt), work);
}

/** Milliseconds left of the current deadline, or undefined outside one. */
export function remainingMs(now = Date.now()): number | undefined {
  const deadline = current.getStore();
  return deadline === undefined ? undefined : deadline - now;
}

/**
 * An outbound call's timeout: its own limit, or what is left of the caller's deadline less the
 * answer reserve, whichever is shorter; a call with no time left fails at once (1 ms).
 */
export function callTimeoutMs(limitMs: number, now = Date.now()): number {
  const left = remainingMs(now);
  if (left === undefined) return limitMs;
  return Math.max(1, Math.min(limitMs, left - ANSWER_RESERVE_MS));
}

/** Kept back from the deadline for the answer itself, once what happened is recorded. */
const FINAL_ANSWER_MS = 100;
/** Node's timers hold at most this many ms (a longer one fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * What an AWS call may still take: the deadline less 100 ms to answer, not less the answer reserve
 * (that second is kept from fal's calls for the write that records what happened). Undefined when
 * no deadline bounds it: none, or one further off than a timer holds (the local follow-up worker's).
 */
export function recordingBudgetMs(now = Date.now()): number | undefined {
  const left = remainingMs(now);
  if (left === undefined || !(left < MAX_TIMER_MS)) return undefined;
  return Math.ceil(left - FINAL_ANSWER_MS);
}
