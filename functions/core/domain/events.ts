import { createHash } from 'node:crypto';

/** Events a tenant can subscribe to, in OpenAI's names (GET /v1/webhook_event_types). */
export const EVENT_TYPES = ['video.completed', 'video.failed'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const isEventType = (value: string): value is EventType =>
  (EVENT_TYPES as readonly string[]).includes(value);

/** An event recorded on its job: enough to rebuild the same body on every retry. Times are epoch ms. */
export interface VideoEvent {
  id: string;
  type: EventType;
  createdAt: number;
  videoId: string;
}

/**
 * One event per job and type, so its id is derived rather than drawn: recording it twice cannot
 * make two events, and the id doubles as the Standard Webhooks `webhook-id` receivers dedupe on.
 */
export function videoEvent(videoId: string, type: EventType, now: number): VideoEvent {
  const digest = createHash('sha256').update(`${videoId}\n${type}`).digest('hex').slice(0, 32);
  return { id: `evt_${digest}`, type, createdAt: now, videoId };
}

/** The wire body, in OpenAI's event shape: `{id, object:"event", created_at, type, data:{id}}`. */
export function eventBody(event: VideoEvent): string {
  return JSON.stringify({
    id: event.id,
    object: 'event',
    created_at: Math.floor(event.createdAt / 1000),
    type: event.type,
    data: { id: event.videoId },
  });
}
