import type { Deps } from '../deps.ts';
import {
  afterAttempt,
  claimOutbox,
  type DeliverySchedule,
  dueSinks,
  nextAttemptAt,
  recordAttempts,
  type SinkProgress,
} from '../domain/outbox.ts';
import { updateJob } from '../jobs/update-job.ts';
import { MAX_QUEUE_DELAY_MS } from '../queue/event-queue.ts';
import { openSink, subscribedSinks } from './sinks.ts';

export interface DeliveryReport {
  attempted: number;
  delivered: number;
  /** Sinks that gave up on this run (their event went to the dead-letter queue). */
  dead: number;
}

/** Beyond the send timeout: the store writes around the sends. */
const LEASE_MARGIN_MS = 30_000;

export const scheduleFromConfig = (deps: Pick<Deps, 'config'>): DeliverySchedule => ({
  retryDelaysMs: deps.config.webhooks.retryDelaysMs,
  jitter: 0.2,
});

/**
 * One delivery run of a job's event: takes the event (a lease, so runs never overlap), tries each
 * sink whose attempt is due, at once, records how each went in one conditional write, and asks the
 * queue to come back when the next retry is due (the reconciler, by the due index, when that is
 * further off than a queue can wait, or when anything here was lost). Undefined when there was
 * nothing to do.
 */
export async function deliverEvents(
  deps: Deps,
  jobId: string,
  options: { revive?: boolean } = {},
): Promise<DeliveryReport | undefined> {
  const { logger } = deps;
  const job = await deps.jobs.get(jobId);
  if (!job?.outbox) return undefined;
  const sinks = job.outbox.sinks ? [] : await subscribedSinks(deps, job);
  const leaseMs = deps.config.webhooks.timeoutMs + LEASE_MARGIN_MS;
  const eventId = job.outbox.event.id;
  const claimed = await updateJob(
    deps,
    jobId,
    // the sinks were chosen for this event: a newer one (a progress event superseded) has its own message
    (current) =>
      current.outbox?.event.id === eventId
        ? claimOutbox(current, { sinks, revive: options.revive ?? false, leaseMs }, deps.now())
        : undefined,
    job,
  );
  const outbox = claimed?.changed ? claimed.job.outbox : undefined;
  if (!claimed || !outbox?.sinks) return undefined;
  const { event } = outbox;
  const schedule = scheduleFromConfig(deps);
  const due = dueSinks(outbox, deps.now());
  // the claim settled an event nobody subscribed to: nothing to send, nothing more to write
  if (due.length === 0) return { attempted: 0, delivered: 0, dead: 0 };

  const results = await Promise.all(
    due.map(async (key): Promise<[string, SinkProgress]> => {
      const sink = openSink(deps, claimed.job, key);
      const before = outbox.sinks?.[key] ?? { state: 'pending', attempts: 0 };
      const delivery = await sink.deliver(event).catch((error: unknown) => ({
        outcome: { kind: 'failed' as const, error: error instanceof Error ? error.message : String(error) },
        durationMs: 0,
      }));
      const progress = afterAttempt(before, delivery.outcome, deps.now(), schedule, deps.random());
      await sink.after?.(event, progress, delivery).catch((error: unknown) => {
        logger.warn('recording a delivery attempt failed', { jobId, sink: key, error: String(error) });
      });
      const fields = {
        jobId,
        eventId: event.id,
        sink: key,
        attempt: progress.attempts,
        state: progress.state,
      };
      if (progress.state === 'delivered') {
        logger.info('event delivered', { ...fields, statusCode: progress.lastStatusCode });
        deps.metrics.count('WebhookDelivered', { jobId, sink: key });
      } else if (delivery.outcome.kind !== 'skipped') {
        logger.warn('event delivery failed', {
          ...fields,
          statusCode: progress.lastStatusCode,
          error: progress.lastError,
        });
        deps.metrics.count('WebhookDeliveryFailed', { jobId, sink: key });
      }
      return [key, progress];
    }),
  );

  const dead = results.filter(([, progress]) => progress.state === 'dead').length;
  if (dead > 0) {
    // parked before the give-up is recorded: if this send fails, the run throws, its lease runs out,
    // and the last attempt is made (and parked) again, so no dead event goes unseen
    await deps.eventQueue.deadLetter(jobId);
    logger.error('event dead-lettered: a sink failed every attempt', {
      jobId,
      eventId: event.id,
      sinks: results.filter(([, p]) => p.state === 'dead').map(([key]) => key),
      redrive: 'npm run redrive -- --queue events, or --dlq-arn/--to-arn on AWS (docs/webhooks.md)',
    });
    deps.metrics.count('WebhookEventDeadLettered', { jobId, eventId: event.id });
  }
  const recorded = await updateJob(deps, jobId, (current) =>
    recordAttempts(current, event.id, Object.fromEntries(results), outbox.leaseUntil, deps.now()),
  );
  const retryAt = recorded?.job.outbox ? nextAttemptAt(recorded.job.outbox) : undefined;
  if (retryAt !== undefined && retryAt - deps.now() <= MAX_QUEUE_DELAY_MS) {
    await deps.eventQueue.enqueue(jobId, Math.max(0, retryAt - deps.now())).catch((error: unknown) => {
      logger.warn('retry enqueue failed; the reconciler will resend', { jobId, error: String(error) });
    });
  }
  return {
    attempted: results.length,
    delivered: results.filter(([, progress]) => progress.state === 'delivered').length,
    dead,
  };
}
