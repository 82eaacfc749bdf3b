import { randomBytes } from 'node:crypto';
import type { EventType } from './events.ts';
import type { AttemptOutcome } from './outbox.ts';

/** A signing secret as stored: sealed (encrypted) by the secret box, with what may be shown of it. */
export interface StoredSecret {
  sealed: string;
  /** The last characters, as OpenAI's `signing_secret_hint` shows them. */
  hint: string;
  createdAt: number;
  /** Set on a rotated-out secret that still signs until then (the 24 h overlap). */
  expiresAt?: number;
}

/** A tenant's webhook endpoint. `version` guards every write. Times are epoch ms. */
export interface WebhookEndpoint {
  id: string;
  tenant: string;
  url: string;
  name: string;
  eventTypes: EventType[];
  /** The current secret first; an older one only while its overlap lasts. */
  secrets: StoredSecret[];
  createdAt: number;
  updatedAt: number;
  version: number;
  /** Since when every delivery failed (cleared by a success): an endpoint failing for days is disabled. */
  failingSince?: number;
  disabledAt?: number;
  disabledReason?: string;
}

/** The tenant's secret for per-video callback_url deliveries, rotated like an endpoint's. */
export interface CallbackSecret {
  tenant: string;
  secrets: StoredSecret[];
  version: number;
}

/** `whe_` + 12 hex digits of milliseconds + 20 random hex digits: ids sort by creation time, as lists page. */
export function newEndpointId(now: number): string {
  return `whe_${now.toString(16).padStart(12, '0')}${randomBytes(10).toString('hex')}`;
}

export const ENDPOINT_ID_PATTERN = /^whe_[0-9a-f]{32}$/;

/** A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export const secretHint = (secret: string) => `whsec_…${secret.slice(-4)}`;

/** How long a rotated-out secret keeps signing when the caller asks for the overlap. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

/** Secrets that still sign at `now`: the current one, and an old one in its overlap. */
export const liveSecrets = (secrets: StoredSecret[], now: number) =>
  secrets.filter(
    (secret, index) => index === 0 || (secret.expiresAt !== undefined && secret.expiresAt > now),
  );

/** The secrets after a rotation: the new one first, the old one kept for the overlap or dropped. */
export function rotatedSecrets(
  secrets: StoredSecret[],
  fresh: StoredSecret,
  keepOld: boolean,
  now: number,
): StoredSecret[] {
  const current = secrets[0];
  return keepOld && current ? [fresh, { ...current, expiresAt: now + ROTATION_OVERLAP_MS }] : [fresh];
}

/** An endpoint disabled after failing this long (Standard Webhooks suggests days). */
export const DISABLE_AFTER_FAILING_MS = 5 * 86_400_000;

/**
 * An endpoint's health after a delivery: a success ends its failing streak; a 410, or failing since
 * `DISABLE_AFTER_FAILING_MS` ago, disables it. Undefined when nothing changes.
 */
export function afterDelivery(
  endpoint: WebhookEndpoint,
  outcome: AttemptOutcome,
  now: number,
): WebhookEndpoint | undefined {
  if (endpoint.disabledAt !== undefined) return undefined;
  switch (outcome.kind) {
    case 'delivered':
      return endpoint.failingSince === undefined ? undefined : { ...endpoint, failingSince: undefined };
    case 'gone':
      return { ...endpoint, disabledAt: now, disabledReason: 'the receiver answered 410 Gone' };
    case 'failed': {
      const since = endpoint.failingSince ?? now;
      if (now - since >= DISABLE_AFTER_FAILING_MS)
        return {
          ...endpoint,
          failingSince: since,
          disabledAt: now,
          disabledReason: 'every delivery failed for 5 days',
        };
      return endpoint.failingSince === undefined ? { ...endpoint, failingSince: since } : undefined;
    }
    case 'skipped':
      return undefined;
  }
}

/** OpenAI's `webhook_endpoint` object. */
export interface WebhookEndpointObject {
  id: string;
  object: 'webhook_endpoint';
  created_at: number;
  updated_at: number;
  name: string;
  url: string;
  event_types: EventType[];
  signing_secret_hint: string | null;
  /** Reelay's: set when deliveries stopped (a 410, or failing for days); updating the URL re-enables it. */
  disabled_at: number | null;
  disabled_reason: string | null;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

export function toEndpointObject(endpoint: WebhookEndpoint): WebhookEndpointObject {
  return {
    id: endpoint.id,
    object: 'webhook_endpoint',
    created_at: seconds(endpoint.createdAt),
    updated_at: seconds(endpoint.updatedAt),
    name: endpoint.name,
    url: endpoint.url,
    event_types: endpoint.eventTypes,
    signing_secret_hint: endpoint.secrets[0]?.hint ?? null,
    disabled_at: endpoint.disabledAt === undefined ? null : seconds(endpoint.disabledAt),
    disabled_reason: endpoint.disabledReason ?? null,
  };
}
