import { z } from 'zod';

/** Generation errors the emulator can produce; each renders exactly as fal.md describes (see model-errors.ts). */
export const GENERATION_ERRORS = [
  'content_policy_violation',
  'validation',
  'request_timeout',
  'generation_timeout',
  'internal_server_error',
  'downstream_service_unavailable',
  'runner_disconnected',
  'image_load_error',
] as const;
export type GenerationErrorName = (typeof GENERATION_ERRORS)[number];

export const WEBHOOK_MODES = ['drop', 'duplicate', 'concurrent_duplicate', 'before_submit_response'] as const;
export type WebhookMode = (typeof WEBHOOK_MODES)[number];

export const CDN_MODES = ['error_500', 'truncate', 'slow', 'expired'] as const;
export type CdnMode = (typeof CDN_MODES)[number];

const common = {
  times: z.number().int().positive().optional(),
  match: z
    .strictObject({ endpoint: z.string().optional(), promptIncludes: z.string().optional() })
    .optional(),
};

const submitStatus = z.strictObject({
  on: z.literal('submit'),
  status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)]),
  ...common,
});
const submitHang = z.strictObject({
  on: z.literal('submit'),
  hangMs: z.number().int().nonnegative(),
  ...common,
});
const submitBalance = z.strictObject({
  on: z.literal('submit'),
  balanceExhausted: z.literal(true),
  ...common,
});
const generationError = z.strictObject({
  on: z.literal('generation'),
  error: z.enum(GENERATION_ERRORS),
  ...common,
});
const generationPayload = z.strictObject({
  on: z.literal('generation'),
  payloadError: z.literal(true),
  ...common,
});
const webhookMode = z.strictObject({ on: z.literal('webhook'), mode: z.enum(WEBHOOK_MODES), ...common });
const webhookDelay = z.strictObject({
  on: z.literal('webhook'),
  delayMs: z.number().int().nonnegative(),
  ...common,
});
const cdnMode = z.strictObject({ on: z.literal('cdn'), mode: z.enum(CDN_MODES), ...common });

/** A one-shot fault; validated here because it also arrives as JSON on `POST /_emulator/faults`. */
export const falFaultSchema = z.union([
  submitStatus,
  submitHang,
  submitBalance,
  generationError,
  generationPayload,
  webhookMode,
  webhookDelay,
  cdnMode,
]);

export type FalFault = z.infer<typeof falFaultSchema>;
export type FaultEvent = FalFault['on'];
export type SubmitFault = Extract<FalFault, { on: 'submit' }>;
export type GenerationFault = Extract<FalFault, { on: 'generation' }>;
export type WebhookFault = Extract<FalFault, { on: 'webhook' }>;
export type CdnFault = Extract<FalFault, { on: 'cdn' }>;

/** What a request carries after faults are bound to it at submit (persisted with the request). */
export interface BoundFaults {
  generation: GenerationErrorName | 'payload_error' | null;
  webhook: WebhookMode | null;
  webhookDelayMs: number;
  /** One-shot CDN faults from prompt directives, consumed by the next downloads of this request's video. */
  cdn: CdnMode[];
}
