import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Deps } from '../../core/deps.ts';
import { EVENT_TYPES } from '../../core/domain/events.ts';
import { toEndpointObject, type WebhookEndpoint } from '../../core/domain/webhook-endpoint.ts';
import { invalidRequest } from '../../core/errors.ts';
import {
  createEndpoint,
  deleteEndpoint,
  getTenantEndpoint,
  isEndpointId,
  rotateEndpointSecret,
  testEndpoint,
  updateEndpoint,
} from '../../core/events/endpoints.ts';
import type { DeliveryAttempt } from '../../core/store/webhook-store.ts';
import type { AuthEnv } from '../auth.ts';
import { invalidRequestOf } from '../create-request.ts';
import { listPage } from '../list-page.ts';
import { readJson } from '../read-json.ts';
import {
  CreateEndpointBody,
  DeletedEndpoint,
  DeliveriesQuery,
  DeliveryList,
  Endpoint,
  EndpointIdParam,
  EndpointList,
  EndpointListQuery,
  EndpointWithSecret,
  EventTypeList,
  RotateSecretBody,
  TestEndpointBody,
  TestResult,
  UpdateEndpointBody,
} from '../webhook-schemas.ts';
import { errors, json, security } from './route-docs.ts';

const body = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const ENDPOINT = '/v1/webhook_endpoints/{webhook_endpoint_id}';

const routes = {
  create: createRoute({
    method: 'post',
    path: '/v1/webhook_endpoints',
    summary: 'Create a webhook endpoint (its signing secret is shown once)',
    security,
    request: { body: body(CreateEndpointBody) },
    responses: { 200: json(EndpointWithSecret, 'The endpoint'), ...errors(400, 401, 415, 429) },
  }),
  list: createRoute({
    method: 'get',
    path: '/v1/webhook_endpoints',
    summary: 'List your webhook endpoints',
    security,
    request: { query: EndpointListQuery },
    responses: { 200: json(EndpointList, 'A page of endpoints'), ...errors(400, 401, 429) },
  }),
  retrieve: createRoute({
    method: 'get',
    path: ENDPOINT,
    summary: 'Retrieve a webhook endpoint',
    security,
    request: { params: EndpointIdParam },
    responses: { 200: json(Endpoint, 'The endpoint'), ...errors(401, 404, 429) },
  }),
  update: createRoute({
    method: 'post',
    path: ENDPOINT,
    summary: 'Update a webhook endpoint (a new URL re-enables a disabled one)',
    security,
    request: { params: EndpointIdParam, body: body(UpdateEndpointBody) },
    responses: { 200: json(Endpoint, 'The endpoint'), ...errors(400, 401, 404, 415, 429) },
  }),
  delete: createRoute({
    method: 'delete',
    path: ENDPOINT,
    summary: 'Delete a webhook endpoint',
    security,
    request: { params: EndpointIdParam },
    responses: { 200: json(DeletedEndpoint, 'Deleted'), ...errors(401, 404, 429) },
  }),
  rotate: createRoute({
    method: 'post',
    path: `${ENDPOINT}/rotate_secret`,
    summary: 'Rotate the signing secret (optionally keeping the old one signing for 24 h)',
    security,
    request: { params: EndpointIdParam, body: body(RotateSecretBody) },
    responses: {
      200: json(EndpointWithSecret, 'The endpoint with its new secret'),
      ...errors(400, 401, 404, 429),
    },
  }),
  test: createRoute({
    method: 'post',
    path: `${ENDPOINT}/test`,
    summary: "Send a sample event now and report the endpoint's answer",
    security,
    request: { params: EndpointIdParam, body: body(TestEndpointBody) },
    responses: { 200: json(TestResult, 'How the endpoint answered'), ...errors(400, 401, 404, 429) },
  }),
  deliveries: createRoute({
    method: 'get',
    path: `${ENDPOINT}/deliveries`,
    summary: "Recent delivery attempts to the endpoint (Reelay's extension)",
    security,
    request: { params: EndpointIdParam, query: DeliveriesQuery },
    responses: { 200: json(DeliveryList, 'Attempts, newest first'), ...errors(400, 401, 404, 429) },
  }),
  eventTypes: createRoute({
    method: 'get',
    path: '/v1/webhook_event_types',
    summary: 'The event types an endpoint can subscribe to',
    security,
    responses: { 200: json(EventTypeList, 'Event types'), ...errors(401, 429) },
  }),
};

const withSecret = (endpoint: WebhookEndpoint, secret: string) => ({
  ...toEndpointObject(endpoint),
  signing_secret: secret,
});

const seconds = (ms: number) => Math.floor(ms / 1000);

const toDelivery = (attempt: DeliveryAttempt) => ({
  object: 'webhook_delivery' as const,
  event_id: attempt.eventId,
  event_type: attempt.eventType,
  video_id: attempt.videoId,
  attempt: attempt.attempt,
  created_at: seconds(attempt.at),
  status_code: attempt.statusCode,
  duration_ms: Math.round(attempt.durationMs),
  error: attempt.error ?? null,
  next_retry_at: attempt.nextRetryAt === null ? null : seconds(attempt.nextRetryAt),
});

/** OpenAI's webhook endpoint routes, per tenant, plus the delivery log. */
export function webhookEndpointRoutes(deps: Deps) {
  const app = new OpenAPIHono<AuthEnv>({
    defaultHook: (result) => {
      if (!result.success) throw invalidRequestOf(result.error);
    },
  });

  // bodies are read by readJson (an empty one is `{}`); the routes are registered for the document
  app.openAPIRegistry.registerPath(routes.create);
  app.post('/v1/webhook_endpoints', async (c) => {
    const input = await readJson(c, CreateEndpointBody);
    const { endpoint, secret } = await createEndpoint(deps, c.get('tenant'), {
      url: input.url,
      name: input.name,
      eventTypes: input.event_types,
    });
    return c.json(withSecret(endpoint, secret), 200);
  });

  app.openapi(routes.list, async (c) => {
    const { after, limit, order } = c.req.valid('query');
    if (after !== undefined && !isEndpointId(after))
      throw invalidRequest('after must be an endpoint id.', 'after');
    const page = await deps.webhooks.listEndpoints(c.get('tenant'), { after, limit, order });
    const data = page.endpoints.map(toEndpointObject);
    return c.json(listPage(data, page.hasMore), 200);
  });

  app.openAPIRegistry.registerPath(routes.eventTypes);
  app.get('/v1/webhook_event_types', (c) => c.json({ object: 'list' as const, data: [...EVENT_TYPES] }, 200));

  app.openapi(routes.retrieve, async (c) => {
    const endpoint = await getTenantEndpoint(deps, c.get('tenant'), c.req.valid('param').webhook_endpoint_id);
    return c.json(toEndpointObject(endpoint), 200);
  });

  app.openAPIRegistry.registerPath(routes.update);
  app.post('/v1/webhook_endpoints/:webhook_endpoint_id', async (c) => {
    const endpointId = c.req.param('webhook_endpoint_id');
    await getTenantEndpoint(deps, c.get('tenant'), endpointId);
    const input = await readJson(c, UpdateEndpointBody);
    const endpoint = await updateEndpoint(deps, c.get('tenant'), endpointId, {
      url: input.url,
      name: input.name,
      eventTypes: input.event_types,
    });
    return c.json(toEndpointObject(endpoint), 200);
  });

  app.openapi(routes.delete, async (c) => {
    const endpointId = c.req.valid('param').webhook_endpoint_id;
    await deleteEndpoint(deps, c.get('tenant'), endpointId);
    return c.json(
      { id: endpointId, object: 'webhook_endpoint.deleted' as const, deleted: true as const },
      200,
    );
  });

  app.openAPIRegistry.registerPath(routes.rotate);
  app.post('/v1/webhook_endpoints/:webhook_endpoint_id/rotate_secret', async (c) => {
    const endpointId = c.req.param('webhook_endpoint_id');
    await getTenantEndpoint(deps, c.get('tenant'), endpointId);
    const input = await readJson(c, RotateSecretBody);
    const { endpoint, secret } = await rotateEndpointSecret(
      deps,
      c.get('tenant'),
      endpointId,
      input.keep_old_secret_active_for_24_hours,
    );
    return c.json(withSecret(endpoint, secret), 200);
  });

  app.openAPIRegistry.registerPath(routes.test);
  app.post('/v1/webhook_endpoints/:webhook_endpoint_id/test', async (c) => {
    const endpointId = c.req.param('webhook_endpoint_id');
    await getTenantEndpoint(deps, c.get('tenant'), endpointId);
    const input = await readJson(c, TestEndpointBody);
    const result = await testEndpoint(deps, c.get('tenant'), endpointId, input.event_type);
    return c.json(
      {
        object: 'webhook_endpoint.test' as const,
        webhook_endpoint_id: endpointId,
        event_type: input.event_type,
        status_code: result.statusCode,
        success: result.success,
        ...(result.error !== undefined && { error: result.error }),
      },
      200,
    );
  });

  app.openapi(routes.deliveries, async (c) => {
    const endpoint = await getTenantEndpoint(deps, c.get('tenant'), c.req.valid('param').webhook_endpoint_id);
    const { limit } = c.req.valid('query');
    const attempts = await deps.webhooks.listAttempts(endpoint.id, limit + 1);
    return c.json(
      {
        object: 'list' as const,
        data: attempts.slice(0, limit).map(toDelivery),
        has_more: attempts.length > limit,
      },
      200,
    );
  });

  return app;
}
