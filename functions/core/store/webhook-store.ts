import type { EventType } from '../domain/events.ts';
import type { CallbackSecret, WebhookEndpoint } from '../domain/webhook-endpoint.ts';

/** One delivery attempt to an endpoint, as GET /v1/webhook_endpoints/{id}/deliveries lists it. */
export interface DeliveryAttempt {
  endpointId: string;
  eventId: string;
  eventType: EventType;
  videoId: string;
  attempt: number;
  at: number;
  /** Null when no answer came (timeout, refused address, network error). */
  statusCode: number | null;
  durationMs: number;
  error?: string;
  /** When the next attempt is planned; null when none will be. */
  nextRetryAt: number | null;
}

export interface EndpointPage {
  endpoints: WebhookEndpoint[];
  hasMore: boolean;
}

/** Webhook endpoints, callback secrets and the delivery log (the webhooks table). */
export interface WebhookStore {
  createEndpoint(endpoint: WebhookEndpoint): Promise<void>;
  getEndpoint(id: string): Promise<WebhookEndpoint | undefined>;
  /** Writes `next` if the stored endpoint is still at `next.version - 1`; false when someone wrote first. */
  saveEndpoint(next: WebhookEndpoint): Promise<boolean>;
  deleteEndpoint(id: string): Promise<void>;
  /** A tenant's endpoints in id (= creation) order. */
  listEndpoints(
    tenant: string,
    query: { after?: string; limit: number; order: 'asc' | 'desc' },
  ): Promise<EndpointPage>;
  getCallbackSecret(tenant: string): Promise<CallbackSecret | undefined>;
  /** Creates (version 1) or replaces the secret if still at `next.version - 1`; false when someone wrote first. */
  saveCallbackSecret(next: CallbackSecret): Promise<boolean>;
  recordAttempt(attempt: DeliveryAttempt): Promise<void>;
  /** An endpoint's most recent attempts, newest first. */
  listAttempts(endpointId: string, limit: number): Promise<DeliveryAttempt[]>;
}
