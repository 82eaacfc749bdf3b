import type { VideoEvent } from './events.ts';

/** How one sink (a webhook endpoint, the video's callback_url) is getting on with an event. */
export interface SinkProgress {
  state: 'pending' | 'delivered' | 'dead' | 'disabled';
  attempts: number;
  /** When the next attempt may run (pending only). */
  nextAt?: number;
  lastAttemptAt?: number;
  /** The receiver's status code on the last attempt; absent when there was no answer. */
  lastStatusCode?: number;
  lastError?: string;
  deliveredAt?: number;
}

/**
 * The outbox: an event recorded on its job in the same conditional write that changed the job's
 * status, with each sink's progress. While `dueAt` is set the event is not settled; an ended job's
 * the reconciler finds by that time (the jobs table's due index). A progress event (queued,
 * in_progress) is superseded by the job's next event: the state it announced is gone by then.
 */
export interface Outbox {
  event: VideoEvent;
  /** Fixed by the first delivery run (the subscribers then); absent until it ran. */
  sinks?: Record<string, SinkProgress>;
  dueAt?: number;
  /** A delivery run holds the event until then; a run that died is taken over after it. */
  leaseUntil?: number;
}

/** Time for a recorded event's delivery message to be picked up before the reconciler sends another. */
export const EVENT_PICKUP_MS = 60_000;

/** The outbox a terminal transition writes: the event, due for delivery. */
export function recordEvent(event: VideoEvent): Outbox {
  return { event, dueAt: event.createdAt + EVENT_PICKUP_MS };
}

/** The sink key of a video's own callback_url; endpoint sinks are keyed by their `whe_` id. */
export const CALLBACK_SINK = 'callback';

/** The sink key of the tenant's open event streams (GET /v1/events), one attempt for them all. */
export const LIVE_SINK = 'live';

/** What a delivery attempt came to. */
export type AttemptOutcome =
  | { kind: 'delivered'; statusCode: number }
  | { kind: 'gone'; statusCode: 410 }
  | { kind: 'failed'; statusCode?: number; error?: string }
  /** The sink no longer exists or was disabled: nothing was sent. */
  | { kind: 'skipped'; reason: string };

export interface DeliverySchedule {
  /** Delays in ms before attempt 2, 3, …: its length + 1 is the number of attempts. */
  retryDelaysMs: readonly number[];
  /** Each delay is stretched or shrunk by up to this fraction at random. */
  jitter: number;
}

/** Standard Webhooks' schedule: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_SCHEDULE: DeliverySchedule = {
  retryDelaysMs: [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000].map((s) => s * 1000),
  jitter: 0.2,
};

/** A sink's progress after one attempt. `random` is in [0, 1). */
export function afterAttempt(
  progress: SinkProgress,
  outcome: AttemptOutcome,
  now: number,
  schedule: DeliverySchedule,
  random: number,
): SinkProgress {
  if (outcome.kind === 'skipped')
    return { ...progress, state: 'disabled', nextAt: undefined, lastError: outcome.reason };
  const attempts = progress.attempts + 1;
  const base = {
    ...progress,
    attempts,
    lastAttemptAt: now,
    lastStatusCode: 'statusCode' in outcome ? outcome.statusCode : undefined,
    lastError: outcome.kind === 'failed' ? outcome.error : undefined,
  };
  if (outcome.kind === 'delivered')
    return { ...base, state: 'delivered', nextAt: undefined, deliveredAt: now };
  if (outcome.kind === 'gone') return { ...base, state: 'disabled', nextAt: undefined };
  const delay = schedule.retryDelaysMs[attempts - 1];
  if (delay === undefined) return { ...base, state: 'dead', nextAt: undefined };
  const stretch = 1 + schedule.jitter * (2 * random - 1);
  return { ...base, state: 'pending', nextAt: now + Math.round(delay * stretch) };
}

const pending = (outbox: Outbox) =>
  Object.entries(outbox.sinks ?? {}).filter(([, sink]) => sink.state === 'pending');

/** Sinks whose next attempt is due. */
export function dueSinks(outbox: Outbox, now: number): string[] {
  return pending(outbox)
    .filter(([, sink]) => (sink.nextAt ?? 0) <= now)
    .map(([key]) => key);
}

/** The earliest next attempt of any pending sink; undefined when every sink is settled. */
export function nextAttemptAt(outbox: Outbox): number | undefined {
  const times = pending(outbox).map(([, sink]) => sink.nextAt ?? 0);
  return times.length > 0 ? Math.min(...times) : undefined;
}

export const isLeased = (outbox: Outbox, now: number) =>
  outbox.leaseUntil !== undefined && outbox.leaseUntil > now;

export const isSettled = (outbox: Outbox) => outbox.sinks !== undefined && outbox.dueAt === undefined;

type WithOutbox = { outbox?: Outbox; version: number; updatedAt: number };

function bump<J extends WithOutbox>(job: J, outbox: Outbox, now: number): J {
  return { ...job, outbox, version: job.version + 1, updatedAt: now };
}

/**
 * A delivery run takes the event: it fixes the sinks on the first run (the subscribers now),
 * revives dead sinks when asked (a redriven dead letter), and holds the event for `leaseMs`.
 * Undefined when there is nothing to take: no event, settled, or another run holds it.
 */
export function claimOutbox<J extends WithOutbox>(
  job: J,
  options: { sinks: string[]; revive: boolean; leaseMs: number },
  now: number,
): J | undefined {
  const { outbox } = job;
  if (!outbox || isLeased(outbox, now)) return undefined;
  let sinks =
    outbox.sinks ??
    Object.fromEntries(options.sinks.map((key) => [key, { state: 'pending' as const, attempts: 0 }]));
  if (options.revive) {
    sinks = Object.fromEntries(
      Object.entries(sinks).map(([key, sink]) => [
        key,
        sink.state === 'dead' ? { ...sink, state: 'pending' as const, nextAt: now } : sink,
      ]),
    );
  }
  const next: Outbox = { ...outbox, sinks };
  // the first run of an event nobody subscribed to settles it
  if (nextAttemptAt(next) === undefined)
    return outbox.sinks ? undefined : bump(job, { ...next, dueAt: undefined, leaseUntil: undefined }, now);
  // an early or duplicate message: the retry's own message, or the reconciler, comes when it is due
  if (dueSinks(next, now).length === 0) return undefined;
  const leaseUntil = now + options.leaseMs;
  return bump(job, { ...next, leaseUntil, dueAt: leaseUntil }, now);
}

/** A run's results: each sink it tried moves on, the lease is given back, and the event is due again when a retry is. */
export function recordAttempts<J extends WithOutbox>(
  job: J,
  eventId: string,
  results: Record<string, SinkProgress>,
  lease: number | undefined,
  now: number,
): J | undefined {
  const { outbox } = job;
  // a later event replaced the one this run sent (a progress event superseded): its sinks are its own
  if (!outbox?.sinks || outbox.event.id !== eventId) return undefined;
  // a run that outlived its lease still records what it did, but leaves the lease of the run that took over
  const leaseUntil = outbox.leaseUntil === lease ? undefined : outbox.leaseUntil;
  const next: Outbox = { ...outbox, sinks: { ...outbox.sinks, ...results }, leaseUntil };
  const retryAt = nextAttemptAt(next);
  const dueAt = leaseUntil ?? (retryAt === undefined ? undefined : retryAt + EVENT_PICKUP_MS);
  return bump(job, { ...next, dueAt }, now);
}

/** The reconciler sent the event's message again (a lost message, a dead run); the bump keeps other passes from sending it too. */
export function markEventResent<J extends WithOutbox>(job: J, now: number): J | undefined {
  const { outbox } = job;
  if (!outbox || outbox.dueAt === undefined || outbox.dueAt > now || isLeased(outbox, now)) return undefined;
  return bump(job, { ...outbox, dueAt: now + EVENT_PICKUP_MS }, now);
}

/**
 * An operator re-sends an ended job's event (the admin CLI): every sink that did not refuse it for
 * good is tried again with the same event id, due at once for the reconciler's next pass.
 */
export function resendEvent<J extends WithOutbox>(job: J, now: number): J | undefined {
  const { outbox } = job;
  if (!outbox) return undefined;
  const sinks = outbox.sinks
    ? Object.fromEntries(
        Object.entries(outbox.sinks).map(([key, sink]) => [
          key,
          sink.state === 'disabled' ? sink : { ...sink, state: 'pending' as const, nextAt: now },
        ]),
      )
    : undefined;
  return bump(job, { ...outbox, ...(sinks && { sinks }), dueAt: now, leaseUntil: undefined }, now);
}
