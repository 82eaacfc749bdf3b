import type { Deps } from '../deps.ts';
import { eventBody, isTerminalEvent, liveEventBody, type VideoEvent } from '../domain/events.ts';
import type { Job } from '../domain/job.ts';
import { type AttemptOutcome, CALLBACK_SINK, LIVE_SINK, type SinkProgress } from '../domain/outbox.ts';
import { afterDelivery } from '../domain/webhook-endpoint.ts';
import { pushTo, streamsFor } from '../live/fan-out.ts';
import { liveBodies } from '../live/greet.ts';
import { callbackSecret, openLive } from './secrets.ts';
import { signedHeaders } from './sign.ts';

export interface SinkDelivery {
  outcome: AttemptOutcome;
  durationMs: number;
}

/**
 * Somewhere an event goes: a tenant's webhook endpoint or a video's callback_url today; the same
 * path can carry a live connection later. `after` logs the attempt and keeps the sink's health.
 */
export interface EventSink {
  key: string;
  deliver(event: VideoEvent): Promise<SinkDelivery>;
  after?(event: VideoEvent, progress: SinkProgress, delivery: SinkDelivery): Promise<void>;
}

/**
 * What an event goes to: the endpoints subscribed to its type now, the video's callback_url (its
 * ending only), and the tenant's open event streams when there are any.
 */
export async function subscribedSinks(deps: Deps, job: Job): Promise<string[]> {
  const type = job.outbox?.event.type;
  const keys: string[] = [];
  for (let after: string | undefined, more = true; more; ) {
    const page = await deps.webhooks.listEndpoints(job.tenant, { after, limit: 100, order: 'asc' });
    for (const endpoint of page.endpoints)
      if (endpoint.disabledAt === undefined && type && endpoint.eventTypes.includes(type))
        keys.push(endpoint.id);
    after = page.endpoints.at(-1)?.id;
    more = page.hasMore;
  }
  if (job.spec.callbackUrl && type && isTerminalEvent(type)) keys.push(CALLBACK_SINK);
  if ((await streamsFor(deps, job.tenant, job.id)).length > 0) keys.push(LIVE_SINK);
  return keys;
}

/** A signed POST of the event; 2xx delivers, 410 means stop, anything else (3xx too) fails. */
async function post(deps: Deps, url: string, secrets: string[], event: VideoEvent): Promise<SinkDelivery> {
  const body = eventBody(event);
  const result = await deps.sendWebhook({
    url,
    body,
    headers: signedHeaders(secrets, event.id, deps.now(), body),
  });
  const { durationMs } = result;
  if (result.statusCode === undefined)
    return { outcome: { kind: 'failed', error: result.error }, durationMs };
  const { statusCode } = result;
  if (statusCode >= 200 && statusCode < 300)
    return { outcome: { kind: 'delivered', statusCode }, durationMs };
  if (statusCode === 410) return { outcome: { kind: 'gone', statusCode }, durationMs };
  return { outcome: { kind: 'failed', statusCode }, durationMs };
}

const skipped = (reason: string): SinkDelivery => ({ outcome: { kind: 'skipped', reason }, durationMs: 0 });

/** Keeps an endpoint's health (domain/webhook-endpoint.ts `afterDelivery`), reporting a disable. */
async function trackHealth(deps: Deps, id: string, outcome: AttemptOutcome): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const endpoint = await deps.webhooks.getEndpoint(id);
    const next = endpoint && afterDelivery(endpoint, outcome, deps.now());
    if (!endpoint || !next) return;
    // health is not configuration: updated_at stays as the tenant last set it
    if (!(await deps.webhooks.saveEndpoint({ ...next, version: endpoint.version + 1 }))) continue;
    if (next.disabledAt !== undefined) {
      deps.logger.error('webhook endpoint disabled', {
        endpointId: id,
        tenant: endpoint.tenant,
        reason: next.disabledReason,
      });
      deps.metrics.count('WebhookEndpointDisabled', { endpointId: id, tenant: endpoint.tenant });
    }
    return;
  }
}

function endpointSink(deps: Deps, job: Job, key: string): EventSink {
  return {
    key,
    async deliver(event) {
      const endpoint = await deps.webhooks.getEndpoint(key);
      if (!endpoint || endpoint.tenant !== job.tenant) return skipped('the endpoint was deleted');
      if (endpoint.disabledAt !== undefined)
        return skipped(`the endpoint is disabled: ${endpoint.disabledReason}`);
      return post(deps, endpoint.url, await openLive(deps, endpoint.secrets, deps.now()), event);
    },
    async after(event, progress, delivery) {
      if (delivery.outcome.kind === 'skipped') return;
      await deps.webhooks.recordAttempt({
        endpointId: key,
        eventId: event.id,
        eventType: event.type,
        videoId: event.videoId,
        attempt: progress.attempts,
        at: progress.lastAttemptAt ?? deps.now(),
        statusCode: progress.lastStatusCode ?? null,
        durationMs: delivery.durationMs,
        ...(progress.lastError !== undefined && { error: progress.lastError }),
        nextRetryAt: progress.state === 'pending' ? (progress.nextAt ?? null) : null,
      });
      await trackHealth(deps, key, delivery.outcome);
    },
  };
}

function callbackSink(deps: Deps, job: Job): EventSink {
  return {
    key: CALLBACK_SINK,
    async deliver(event) {
      const url = job.spec.callbackUrl;
      if (!url) return skipped('the video has no callback_url');
      const { secrets } = await callbackSecret(deps, job.tenant);
      return post(deps, url, await openLive(deps, secrets, deps.now()), event);
    },
  };
}

/**
 * The tenant's open streams, as they are at the attempt, each sent the event with the video object
 * as it is now. One attempt: a stream that missed it is greeted with the current state when it
 * reconnects, so the event counts as delivered whatever each stream made of it.
 */
function liveSink(deps: Deps, job: Job): EventSink {
  return {
    key: LIVE_SINK,
    async deliver(event) {
      const started = deps.now();
      const [body] = await liveBodies(deps, [job]);
      const streams = await streamsFor(deps, job.tenant, job.id);
      if (body) await pushTo(deps, streams, liveEventBody(event, body.video));
      return { outcome: { kind: 'delivered', statusCode: 200 }, durationMs: deps.now() - started };
    },
  };
}

export function openSink(deps: Deps, job: Job, key: string): EventSink {
  if (key === CALLBACK_SINK) return callbackSink(deps, job);
  if (key === LIVE_SINK) return liveSink(deps, job);
  return endpointSink(deps, job, key);
}
