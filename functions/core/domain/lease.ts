/**
 * A short claim on one piece of work (an archive, later an event delivery or a step), held by one
 * worker and renewed while that worker lives. Pure values: the record that carries it (a job item)
 * is written with a conditional write, so only one worker takes or renews it at a time.
 */
export interface Lease {
  /** Who holds it: unique per attempt, so a worker can tell its own lease from a successor's. */
  holder: string;
  /** 1 when taken, bumped by every renewal. */
  version: number;
  /** Epoch ms after which anyone may take the work over. */
  until: number;
}

/** Asked to take a lease another worker still holds: a bug in the caller, who checks `isLive` first. */
export class LeaseHeldError extends Error {
  constructor(lease: Lease) {
    super(`the lease is held by ${lease.holder} until ${new Date(lease.until).toISOString()}`);
    this.name = 'LeaseHeldError';
  }
}

export function isLive(lease: Lease | undefined, now: number): lease is Lease {
  return lease !== undefined && lease.until > now;
}

/** A new lease for `holder`; taking over one that ran out is allowed (see `abandoned`). */
export function takeLease(current: Lease | undefined, holder: string, now: number, ttlMs: number): Lease {
  if (isLive(current, now)) throw new LeaseHeldError(current);
  return { holder, version: 1, until: now + ttlMs };
}

/**
 * Extends `holder`'s lease, or answers undefined when the lease is gone or someone else's (the
 * holder lost it and must stop). A holder whose lease ran out but was not taken over still owns it.
 */
export function renewLease(
  current: Lease | undefined,
  holder: string,
  now: number,
  ttlMs: number,
): Lease | undefined {
  if (current?.holder !== holder) return undefined;
  return { holder, version: current.version + 1, until: Math.max(current.until, now + ttlMs) };
}

/** The lease a new holder replaced without it being given back: its worker died or stalled past it. */
export function abandoned(previous: Lease | undefined, now: number): Lease | undefined {
  return previous !== undefined && !isLive(previous, now) ? previous : undefined;
}
