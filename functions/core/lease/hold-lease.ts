/** The holder no longer owns its lease (taken over, or not renewed in time): it must stop and record nothing. */
export class LeaseLostError extends Error {
  constructor(reason: string) {
    super(`lease lost: ${reason}`);
    this.name = 'LeaseLostError';
  }
}

export interface Renewal {
  /** Extends the lease with a conditional write; answers its new end, or undefined once it is not ours. */
  renew(): Promise<number | undefined>;
  /** When the lease as taken runs out. */
  until: number;
  /** Between renewals; a third of the lease leaves room for two failed renewals. */
  renewEveryMs: number;
  /**
   * confirm() writes nothing while the lease has at least this long left (unset: it always renews).
   * No one can take over a lease before it runs out, so a fresh one is already the fence.
   */
  confirmAboveMs?: number;
  now(): number;
}

export interface HeldLease {
  /** Aborted (with a LeaseLostError) as soon as the lease is known or feared lost. */
  signal: AbortSignal;
  /**
   * Renews at once (unless the lease has `confirmAboveMs` left) and throws LeaseLostError if the
   * lease is gone: the fence before a write that cannot be taken back (completing an upload).
   */
  confirm(): Promise<void>;
  /** Successful renewals so far (confirmations included). */
  renewals(): number;
}

/**
 * Runs `work` (which must stop when `signal` aborts) while renewing its lease at an interval. When a renewal finds the lease someone else's,
 * or no renewal has succeeded by the time the lease would run out (a stalled store, a paused
 * process), `signal` aborts and the call throws LeaseLostError whatever `work` answered. A renewal
 * that fails for another reason (throttling) is tried again at the next interval.
 */
export async function holdLease<T>(renewal: Renewal, work: (held: HeldLease) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let heldUntil = renewal.until;
  let renewals = 0;
  let inFlight: Promise<void> | undefined;
  const lose = (reason: string) => {
    if (!controller.signal.aborted) controller.abort(new LeaseLostError(reason));
  };
  const renewOnce = (): Promise<void> => {
    const attempt: Promise<void> = (async () => {
      try {
        const until = await renewal.renew();
        if (until === undefined) return lose('another worker holds it, or the work ended');
        heldUntil = until;
        renewals++;
      } catch (error) {
        if (renewal.now() >= heldUntil) lose(`no renewal succeeded before it ran out (${String(error)})`);
      }
    })().finally(() => {
      if (inFlight === attempt) inFlight = undefined;
    });
    inFlight = attempt;
    return attempt;
  };
  const timer = setInterval(() => {
    if (controller.signal.aborted) return;
    // a renewal that hangs past the lease's end (a paused store) is as good as lost
    if (inFlight) {
      if (renewal.now() >= heldUntil) lose('a renewal was still unanswered when it ran out');
      return;
    }
    void renewOnce();
  }, renewal.renewEveryMs);

  const held: HeldLease = {
    signal: controller.signal,
    async confirm() {
      await inFlight;
      const fresh =
        renewal.confirmAboveMs !== undefined && heldUntil - renewal.now() >= renewal.confirmAboveMs;
      if (!controller.signal.aborted && !fresh) await renewOnce();
      if (controller.signal.aborted) throw controller.signal.reason;
    },
    renewals: () => renewals,
  };
  try {
    const result = await work(held);
    if (controller.signal.aborted) throw controller.signal.reason;
    return result;
  } catch (error) {
    // the work failed because the lease went (its stream was cut): say so, not the symptom
    throw controller.signal.aborted ? controller.signal.reason : error;
  } finally {
    clearInterval(timer);
    // no renewal may land after the caller records the result (one that hangs on a lost lease is left)
    if (!controller.signal.aborted) await inFlight;
  }
}
