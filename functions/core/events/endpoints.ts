import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { type EventType, eventBody, type VideoEvent } from '../domain/events.ts';
import {
  ENDPOINT_ID_PATTERN,
  newEndpointId,
  rotatedSecrets,
  type WebhookEndpoint,
} from '../domain/webhook-endpoint.ts';
import { Conflict, InvalidRequest, notFound } from '../errors.ts';
import { newSecret, openLive } from './secrets.ts';
import { signedHeaders } from './sign.ts';

export interface EndpointInput {
  url: string;
  name: string;
  eventTypes: EventType[];
}

/** A tenant's endpoint, or a 404: someone else's looks exactly like a missing one. */
export async function getTenantEndpoint(
  deps: Pick<Deps, 'webhooks'>,
  tenant: string,
  id: string,
): Promise<WebhookEndpoint> {
  const endpoint = ENDPOINT_ID_PATTERN.test(id) ? await deps.webhooks.getEndpoint(id) : undefined;
  if (!endpoint || endpoint.tenant !== tenant)
    throw notFound(`Webhook endpoint ${id}`, 'webhook_endpoint_id');
  return endpoint;
}

/** Registers an endpoint (its URL checked against SSRF here and again at every send); answers it with its secret, shown once. */
export async function createEndpoint(
  deps: Deps,
  tenant: string,
  input: EndpointInput,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  await deps.guardUrl(input.url, 'url');
  const existing = await deps.webhooks.listEndpoints(tenant, {
    limit: deps.config.webhooks.maxEndpoints,
    order: 'asc',
  });
  if (existing.endpoints.length >= deps.config.webhooks.maxEndpoints)
    throw new InvalidRequest(
      'too_many_endpoints',
      `A tenant may have at most ${deps.config.webhooks.maxEndpoints} webhook endpoints.`,
    );
  const now = deps.now();
  const { secret, stored } = await newSecret(deps, now);
  const endpoint: WebhookEndpoint = {
    id: newEndpointId(now),
    tenant,
    url: input.url,
    name: input.name,
    eventTypes: [...new Set(input.eventTypes)],
    secrets: [stored],
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await deps.webhooks.createEndpoint(endpoint);
  deps.logger.info('webhook endpoint created', { tenant, endpointId: endpoint.id });
  return { endpoint, secret };
}

const MAX_CONFLICTS = 5;

/** Reads, changes and writes an endpoint conditionally, reading again on a conflict. */
async function changeEndpoint(
  deps: Deps,
  tenant: string,
  id: string,
  change: (endpoint: WebhookEndpoint, now: number) => Promise<WebhookEndpoint>,
): Promise<WebhookEndpoint> {
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const endpoint = await getTenantEndpoint(deps, tenant, id);
    const now = deps.now();
    const next = { ...(await change(endpoint, now)), version: endpoint.version + 1, updatedAt: now };
    if (await deps.webhooks.saveEndpoint(next)) return next;
  }
  throw new Conflict('conflict', 'The endpoint changed while it was being updated; retry.');
}

/** Replaces what is given; a new URL is checked, and re-enables an endpoint that was disabled. */
export async function updateEndpoint(
  deps: Deps,
  tenant: string,
  id: string,
  input: Partial<EndpointInput>,
): Promise<WebhookEndpoint> {
  if (input.url !== undefined) await deps.guardUrl(input.url, 'url');
  return changeEndpoint(deps, tenant, id, async (endpoint) => ({
    ...endpoint,
    ...(input.name !== undefined && { name: input.name }),
    ...(input.eventTypes !== undefined && { eventTypes: [...new Set(input.eventTypes)] }),
    ...(input.url !== undefined && {
      url: input.url,
      disabledAt: undefined,
      disabledReason: undefined,
      failingSince: undefined,
    }),
  }));
}

/** A new signing secret; the old one keeps signing for 24 h when asked (both signatures are sent). */
export async function rotateEndpointSecret(
  deps: Deps,
  tenant: string,
  id: string,
  keepOld: boolean,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  let secret = '';
  const endpoint = await changeEndpoint(deps, tenant, id, async (current, now) => {
    const fresh = await newSecret(deps, now);
    secret = fresh.secret;
    return { ...current, secrets: rotatedSecrets(current.secrets, fresh.stored, keepOld, now) };
  });
  deps.logger.info('webhook endpoint secret rotated', { tenant, endpointId: id, keepOld });
  return { endpoint, secret };
}

export async function deleteEndpoint(deps: Deps, tenant: string, id: string): Promise<void> {
  await getTenantEndpoint(deps, tenant, id);
  await deps.webhooks.deleteEndpoint(id);
  deps.logger.info('webhook endpoint deleted', { tenant, endpointId: id });
}

export interface TestResult {
  statusCode: number | null;
  success: boolean;
  error?: string;
}

/** Sends a sample event now, signed and guarded like any delivery, and reports the endpoint's answer. */
export async function testEndpoint(
  deps: Deps,
  tenant: string,
  id: string,
  type: EventType,
): Promise<TestResult> {
  const endpoint = await getTenantEndpoint(deps, tenant, id);
  const now = deps.now();
  const event: VideoEvent = {
    id: `evt_test_${randomBytes(12).toString('hex')}`,
    type,
    createdAt: now,
    videoId: `video_${'0'.repeat(32)}`,
  };
  const body = eventBody(event);
  const secrets = await openLive(deps, endpoint.secrets, now);
  const result = await deps.sendWebhook({
    url: endpoint.url,
    body,
    headers: signedHeaders(secrets, event.id, now, body),
  });
  if (result.statusCode === undefined) return { statusCode: null, success: false, error: result.error };
  return { statusCode: result.statusCode, success: result.statusCode >= 200 && result.statusCode < 300 };
}

export const isEndpointId = (id: string) => ENDPOINT_ID_PATTERN.test(id);
