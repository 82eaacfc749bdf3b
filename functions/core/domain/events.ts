import { createHash } from 'node:crypto';

/** Events a tenant can subscribe to, in OpenAI's names (GET /v1/webhook_event_types). */
export const EVENT_TYPES = ['video.completed', 'video.failed', 'video.queued', 'video.in_progress'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The events that end a video: exactly one per job, never replaced. */
export const isTerminalEvent = (type: EventType) => type === 'video.completed' || type === 'video.failed';

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
 * One terminal event per job and type, so its id is derived rather than drawn: recording it twice
 * cannot make two events, and the id doubles as the Standard Webhooks `webhook-id` receivers dedupe
 * on. A progress event (queued, in_progress) can recur (a new generation, a fallback model), so its id
 * also takes the version of the write that records it.
 */
export function videoEvent(videoId: string, type: EventType, now: number, version?: number): VideoEvent {
  const seed = version === undefined ? `${videoId}\n${type}` : `${videoId}\n${type}\n${version}`;
  const digest = createHash('sha256').update(seed).digest('hex').slice(0, 32);
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

/**
 * The live stream's body: the same shape, with the video object as it is now in `data` (its status,
 * progress, queue_position and estimated_completion_at), so a client needs no GET to show it.
 */
export function liveEventBody(event: VideoEvent, video: { id: string }): string {
  return JSON.stringify({
    id: event.id,
    object: 'event',
    created_at: Math.floor(event.createdAt / 1000),
    type: event.type,
    data: video,
  });
}
