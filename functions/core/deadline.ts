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
