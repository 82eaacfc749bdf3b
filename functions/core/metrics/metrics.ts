/**
 * The numbers an operator watches (docs/operations.md): CloudWatch metrics through EMF on AWS
 * (metrics/cloudwatch/), Prometheus text at GET /metrics locally (metrics/prometheus/). The names
 * and dimensions here are what the stack's alarms and dashboard refer to.
 */
export const METRIC = {
  /** A job reached a terminal state; dimension `code`: `completed` or its error code. */
  jobsEnded: 'JobsEnded',
  /** A job reached a terminal state, any outcome (the denominator of failure rates). */
  jobsFinished: 'JobsFinished',
  /** A call to fal; dimension `kind`. */
  falCalls: 'FalCalls',
  /** A call to fal that failed (threw: network, timeout, 4xx/5xx that is not the model's answer); dimension `kind`. */
  falCallErrors: 'FalCallErrors',
  /** How long a call to fal took, ms; dimension `kind`. */
  falLatency: 'FalLatency',
  /** A delivery to POST /webhooks/fal refused with 401; dimension `reason`. */
  webhookRejections: 'WebhookRejections',
  /** What one reconciler pass found and did; dimension `finding`. */
  reconcilerFindings: 'ReconcilerFindings',
  /** Bytes of one archived video. */
  archivedBytes: 'ArchivedBytes',
  /** How long one archive copy took, ms. */
  archiveDuration: 'ArchiveDuration',
  /** How long an archive message waited in the queue before this delivery, ms. */
  archiveQueueAge: 'ArchiveQueueAge',
  /** An archive message's last delivery failed: SQS moves it to the dead-letter queue. */
  archiveDeadLettered: 'ArchiveMessageDeadLettered',
  /** An archive lease ran out and another worker took the job over: a worker died or stalled holding it. */
  archiveLeaseTakenOver: 'ArchiveLeaseTakenOver',
  /** A client event reached a receiver (2xx); metadata names the sink. */
  webhookDelivered: 'WebhookDelivered',
  /** A client event's delivery attempt failed (non-2xx, timeout, refused address). */
  webhookDeliveryFailed: 'WebhookDeliveryFailed',
  /** A client event used up its attempts and went to the event dead-letter queue. */
  webhookEventDeadLettered: 'WebhookEventDeadLettered',
  /** An endpoint was disabled (410 Gone, or days of failures). */
  webhookEndpointDisabled: 'WebhookEndpointDisabled',
  /** Messages posted to open event streams (GET /v1/events). */
  liveEventsSent: 'LiveEventsSent',
  /** Event streams found gone (410) and removed. */
  liveConnectionsGone: 'LiveConnectionsGone',
  /** Posts to an event stream that failed (not gone): the client catches up when it reconnects. */
  liveEventsFailed: 'LiveEventsFailed',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** Every call Reelay makes to fal, by what it is for (`storage` is an upload of a client's image). */
export const FAL_CALL_KINDS = ['submit', 'status', 'result', 'cancel', 'storage'] as const;
export type FalCallKind = (typeof FAL_CALL_KINDS)[number];

/**
 * Why a webhook was refused: a bad or missing signature, an unknown job or token, a body that is not
 * what was signed, or a delivery signed for another fal account (or before ours is known).
 */
export const WEBHOOK_REJECTIONS = ['signature', 'token', 'body', 'account'] as const;
export type WebhookRejection = (typeof WEBHOOK_REJECTIONS)[number];

export type MetricUnit = 'Count' | 'Milliseconds' | 'Bytes';

export interface MetricPoint {
  name: MetricName;
  value: number;
  unit: MetricUnit;
  /** Low-cardinality labels only (a code, a kind, a reason), never an id. */
  dimensions?: Record<string, string>;
}

/** Counts events and measures work; `metadata` (a job id) rides along in the record, not as a dimension. */
export interface Metrics {
  count(name: MetricName, metadata: Record<string, string>): void;
  emit(point: MetricPoint): void;
}

/** Sends every point to each of `sinks`. */
export function fanOut(...sinks: Metrics[]): Metrics {
  return {
    count: (name, metadata) => {
      for (const sink of sinks) sink.count(name, metadata);
    },
    emit: (point) => {
      for (const sink of sinks) sink.emit(point);
    },
  };
}
