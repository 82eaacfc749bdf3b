import { z } from '@hono/zod-openapi';
import { EVENT_TYPES } from '../core/domain/events.ts';

const eventType = z.enum(EVENT_TYPES);
const eventTypes = z
  .array(eventType)
  .min(1, 'name at least one event type')
  .max(EVENT_TYPES.length * 2);
const endpointUrl = z.url({ protocol: /^https?$/ }).max(2_048);
const name = z
  .string()
  .max(128)
  .refine((value) => !/\p{Cs}|\p{Cc}/u.test(value), 'contains control characters or broken Unicode');

export const CreateEndpointBody = z
  .strictObject({ url: endpointUrl, name: name.default(''), event_types: eventTypes })
  .openapi('CreateWebhookEndpointRequest');

export const UpdateEndpointBody = z
  .strictObject({ url: endpointUrl.optional(), name: name.optional(), event_types: eventTypes.optional() })
  .openapi('UpdateWebhookEndpointRequest');

export const RotateSecretBody = z
  .strictObject({ keep_old_secret_active_for_24_hours: z.boolean().default(false) })
  .openapi('RotateSecretRequest');

export const TestEndpointBody = z
  .strictObject({ event_type: eventType })
  .openapi('TestWebhookEndpointRequest');

export const EndpointListQuery = z.strictObject({
  after: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  order: z.enum(['asc', 'desc']).default('desc'),
});

export const DeliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const EndpointIdParam = z.object({
  webhook_endpoint_id: z
    .string()
    .openapi({ param: { name: 'webhook_endpoint_id', in: 'path' }, example: 'whe_019f…' }),
});

export const Endpoint = z
  .object({
    id: z.string(),
    object: z.literal('webhook_endpoint'),
    created_at: z.number().int(),
    updated_at: z.number().int(),
    name: z.string(),
    url: z.string(),
    event_types: z.array(eventType),
    signing_secret_hint: z.string().nullable(),
    disabled_at: z.number().int().nullable(),
    disabled_reason: z.string().nullable(),
  })
  .openapi('WebhookEndpoint');

export const EndpointWithSecret = Endpoint.extend({ signing_secret: z.string() }).openapi(
  'WebhookEndpointWithSecret',
);

export const EndpointList = z
  .object({
    object: z.literal('list'),
    data: z.array(Endpoint),
    first_id: z.string().nullable(),
    last_id: z.string().nullable(),
    has_more: z.boolean(),
  })
  .openapi('WebhookEndpointList');

export const DeletedEndpoint = z
  .object({ id: z.string(), object: z.literal('webhook_endpoint.deleted'), deleted: z.literal(true) })
  .openapi('DeletedWebhookEndpoint');

export const TestResult = z
  .object({
    object: z.literal('webhook_endpoint.test'),
    webhook_endpoint_id: z.string(),
    event_type: eventType,
    status_code: z.number().int().nullable(),
    success: z.boolean(),
    error: z.string().optional(),
  })
  .openapi('WebhookEndpointTestResult');

export const EventTypeList = z
  .object({ object: z.literal('list'), data: z.array(eventType) })
  .openapi('WebhookEventTypeList');

export const Delivery = z
  .object({
    object: z.literal('webhook_delivery'),
    event_id: z.string(),
    event_type: eventType,
    video_id: z.string(),
    attempt: z.number().int(),
    created_at: z.number().int(),
    status_code: z.number().int().nullable(),
    duration_ms: z.number().int(),
    error: z.string().nullable(),
    next_retry_at: z.number().int().nullable(),
  })
  .openapi('WebhookDelivery');

export const DeliveryList = z
  .object({ object: z.literal('list'), data: z.array(Delivery), has_more: z.boolean() })
  .openapi('WebhookDeliveryList');

export const CallbackSecretObject = z
  .object({
    object: z.literal('callback_secret'),
    signing_secret: z.string(),
    signing_secret_hint: z.string(),
    created_at: z.number().int(),
    previous_secret_expires_at: z.number().int().nullable(),
  })
  .openapi('CallbackSecret');
