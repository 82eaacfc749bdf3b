import { z } from '@hono/zod-openapi';
import { hasAmbiguousCharacters } from '../core/domain/client-url.ts';

/** Multipart sends every field as text: booleans and integers also accept their string forms. */
const booleanField = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);
const integerField = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^-?\d{1,12}$/, 'expected an integer')
      .transform(Number),
  ])
  .pipe(z.number().int().min(-1).max(4_294_967_295));
/** Checked for characters parsers disagree on, then normalised: the URL checked is the URL stored and sent. */
const httpUrl = z
  .string()
  .max(2_048)
  .refine(
    (value) => !hasAmbiguousCharacters(value),
    'must not contain backslashes, spaces, control or invisible characters',
  )
  .pipe(z.url({ protocol: /^https?$/ }))
  .transform((value) => new URL(value).href);
/** Text a person wrote: well-formed Unicode (no lone surrogates) and no control characters but tab and newlines. */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine(
      // a lone surrogate, or a control character (C0, DEL, C1) other than tab, newline and return
      (value) => !/\p{Cs}|[^\P{Cc}\t\n\r]/u.test(value),
      'contains control characters or broken Unicode',
    );

/** A key is text too (zod itself drops a `__proto__` key: readCreateRequest refuses it first). */
const metadataKey = text(64).min(1);

export const MAX_METADATA_KEYS = 16;

export const CreateVideoBody = z
  .strictObject({
    prompt: text(4_000).trim().min(1, 'prompt must not be empty'),
    model: z.string().min(1).max(64).optional().openapi({ example: 'seedance-1.5-pro' }),
    seconds: z
      .union([
        z.string().regex(/^\d{1,3}$/, 'seconds is a whole number, e.g. "8"'),
        z.number().int().positive().max(999),
      ])
      .transform(String)
      .optional()
      .openapi({ example: '8' }),
    size: z
      .string()
      .regex(/^\d{2,5}x\d{2,5}$/, 'size is WIDTHxHEIGHT, e.g. 1280x720')
      .optional()
      .openapi({ example: '1280x720' }),
    resolution: z.string().min(1).max(16).optional().openapi({ example: '720p' }),
    aspect_ratio: z.string().min(1).max(8).optional().openapi({ example: '16:9' }),
    generate_audio: booleanField.optional(),
    seed: integerField.optional(),
    negative_prompt: text(2_000).optional(),
    image_url: httpUrl.optional(),
    input_reference: z
      .strictObject({ image_url: httpUrl.optional(), file_id: z.string().max(128).optional() })
      .optional()
      .openapi({ description: 'An image to start from: a file part in multipart, or {image_url}.' }),
    metadata: z
      .record(metadataKey, text(512))
      .refine((value) => Object.keys(value).length <= MAX_METADATA_KEYS, 'metadata holds at most 16 keys')
      .optional(),
    callback_url: httpUrl.optional().openapi({
      description:
        'Where to be told when the video ends (https, public address): video.completed or video.failed, signed per Standard Webhooks with the tenant callback secret (GET /v1/callback_secret).',
    }),
    enable_safety_checker: booleanField.optional().openapi({
      description: "false switches the model's safety checker off: only for accounts the operator allows.",
    }),
    // creative features (functions/core/creative/): the final prompt is what gets screened and sent
    style: z.string().min(1).max(40).optional().openapi({
      description: 'A style preset (GET /v1/styles) wrapped around the prompt.',
      example: 'anime',
    }),
    fallback_models: z
      .union([
        z.array(z.string().min(1).max(64)).min(1).max(3),
        // multipart sends text: comma-separated names
        z
          .string()
          .max(200)
          .transform((value) => value.split(',').map((name) => name.trim())),
      ])
      .optional()
      .openapi({
        description:
          'Up to 3 models to move to, in order, when the model fails retryably past its attempts (never on content-policy or validation errors).',
        example: ['kling-2.5-turbo-pro'],
      }),
    enhance_prompt: booleanField.optional().openapi({
      description:
        'true rewrites the prompt through an LLM first; if it is unavailable the original is used and prompt_enhancement says so (or 503, for a strict tenant).',
    }),
  })
  .openapi('CreateVideoRequest');

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      param: z.string().nullable(),
      type: z.string(),
    }),
  })
  .openapi('Error');

export const Video = z
  .object({
    id: z.string().openapi({ example: 'video_019f6af7308800000000000000000000' }),
    object: z.literal('video'),
    status: z.enum(['queued', 'in_progress', 'completed', 'failed']),
    progress: z.number().int().min(0).max(100),
    created_at: z.number().int(),
    completed_at: z.number().int().nullable(),
    expires_at: z.number().int().nullable(),
    model: z.string(),
    prompt: z.string(),
    seconds: z.string(),
    size: z.string(),
    remixed_from_video_id: z.string().nullable(),
    extended_from_video_id: z
      .string()
      .optional()
      .openapi({ description: 'An extension: the video it continues (its seconds are the stitched total).' }),
    sequence_id: z
      .string()
      .optional()
      .openapi({ description: 'The sequence whose scenes this video merges (GET /v1/sequences/{id}).' }),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    resolution: z.string(),
    aspect_ratio: z.string(),
    generate_audio: z.boolean().optional(),
    seed: z.number().int().optional(),
    negative_prompt: z.string().optional(),
    image_url: z.string().optional(),
    metadata: z.record(z.string(), z.string()).optional(),
    callback_url: z.string().optional(),
    callback: z
      .object({
        status: z.enum(['waiting', 'pending', 'delivered', 'failed', 'disabled']),
        attempts: z.number().int(),
        last_attempt_at: z.number().int().nullable(),
        last_status_code: z.number().int().nullable(),
        next_retry_at: z.number().int().nullable(),
      })
      .optional(),
    enable_safety_checker: z.literal(false).optional(),
    style: z.string().nullable().openapi({ description: 'The style preset applied, or null.' }),
    final_prompt: z.string().openapi({
      description: 'The prompt sent to fal (and screened): the prompt, enhanced and styled as asked.',
    }),
    enhanced_prompt: z
      .string()
      .optional()
      .openapi({ description: "The LLM's rewrite, when enhance_prompt worked." }),
    prompt_enhancement: z
      .object({ status: z.enum(['enhanced', 'unavailable']), reason: z.string().optional() })
      .optional()
      .openapi({ description: 'Present when enhance_prompt was asked: whether the prompt was enhanced.' }),
    fallback_models: z
      .array(z.string())
      .optional()
      .openapi({ description: 'The fallback models asked for.' }),
    models_tried: z
      .array(z.object({ model: z.string(), reason: z.string(), skipped: z.boolean() }))
      .optional()
      .openapi({ description: 'Models the video left (or skipped) before `model`, which made it, and why.' }),
    estimated_completion_at: z.number().int().nullable(),
    estimated_cost_usd: z.number(),
    cost_usd: z
      .number()
      .nullable()
      .openapi({ description: 'What the video cost once it ended; see cost_basis.' }),
    cost_basis: z.enum(['actual', 'estimate', 'not_billed']).nullable().openapi({
      description:
        "actual: fal's billable units × its unit price; estimate: fal reported no units, the estimate stands; not_billed: fal made no video.",
    }),
    fal_costs: z
      .array(
        z.object({
          request_id: z.string(),
          endpoint: z.string(),
          billed: z.boolean(),
          units: z.number().nullable(),
          unit_price_usd: z.number().nullable(),
          cost_usd: z.number().nullable(),
        }),
      )
      .optional()
      .openapi({ description: 'Every fal request the job made, with what fal billed for it.' }),
    queue_position: z.number().int().positive().nullable(),
  })
  .openapi('Video');

export const VideoList = z
  .object({
    object: z.literal('list'),
    data: z.array(Video),
    first_id: z.string().nullable(),
    last_id: z.string().nullable(),
    has_more: z.boolean(),
  })
  .openapi('VideoList');

export const DeletedVideo = z
  .object({ id: z.string(), object: z.literal('video.deleted'), deleted: z.literal(true) })
  .openapi('DeletedVideo');

export const VideoIdParam = z.object({
  video_id: z.string().openapi({ param: { name: 'video_id', in: 'path' }, example: 'video_019f…' }),
});

export const ListQuery = z.strictObject({
  after: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  order: z.enum(['asc', 'desc']).default('desc'),
});

export const ContentQuery = z.strictObject({
  variant: z
    .string()
    .max(32)
    .default('video')
    .openapi({ description: 'video (MP4), thumbnail or spritesheet' }),
  redirect: z.enum(['true', 'false']).default('true').openapi({
    description:
      'false: answer the presigned URL as JSON instead of redirecting to it (for a page that plays it in <video>).',
  }),
});

export const ContentUrl = z
  .object({
    object: z.literal('video.content_url'),
    url: z.string().openapi({ description: 'A presigned URL to the MP4' }),
    expires_at: z.number().int().openapi({ description: 'Unix seconds after which the URL stops working' }),
  })
  .openapi('ContentUrl');

export const Model = z
  .object({
    id: z.string(),
    object: z.literal('model'),
    owned_by: z.string(),
    title: z.string(),
    aliases: z.array(z.string()),
    fal_endpoints: z.object({ text_to_video: z.string(), image_to_video: z.string() }),
    seconds: z.array(z.string()),
    default_seconds: z.string(),
    sizes: z.array(z.object({ size: z.string(), resolution: z.string(), aspect_ratio: z.string() })),
    default_size: z.string(),
    options: z.array(z.string()),
    max_prompt_length: z.number().int(),
    styles: z.array(z.object({ id: z.string(), max_prompt_length: z.number().int() })).openapi({
      description:
        'Style presets for `style` (GET /v1/styles), each with the prompt length left once applied.',
    }),
    prompt_enhancement: z
      .boolean()
      .openapi({ description: 'Whether `enhance_prompt` works with this model.' }),
    typical_generation_seconds: z.number(),
    capabilities: z
      .object({
        extend: z.object({
          method: z.enum(['native', 'last_frame']),
          fal_endpoint: z.string().nullable(),
          native_seconds: z.array(z.string()),
        }),
        edit: z
          .object({
            method: z.enum(['remix', 'video_to_video']),
            fal_endpoint: z.string(),
            models: z.array(
              z.object({ id: z.string(), fal_endpoint: z.string(), price_per_second_usd: z.number() }),
            ),
            min_seconds: z.number().nullable(),
            max_seconds: z.number().nullable(),
            min_side: z.number().nullable(),
          })
          .nullable(),
        thumbnail: z.enum(['model', 'extracted_frame']).nullable(),
        spritesheet: z.boolean(),
      })
      .openapi({
        description:
          'extend: native (fal’s own extension, Veo 3.1, for the lengths in native_seconds; other lengths by frames) or last_frame (its last frame → image-to-video → merged); edit: how POST /v1/videos/edits and /remix change its videos (Sora remixes its own when kept at OpenAI; others go to Kling O3 video-to-video within its limits), null when they cannot; thumbnail and spritesheet: which ?variant= images its videos have.',
      }),
    pricing: z.array(z.object({ seconds: z.string(), size: z.string(), estimated_cost_usd: z.number() })),
  })
  .openapi('Model');

export const ModelList = z.object({ object: z.literal('list'), data: z.array(Model) }).openapi('ModelList');

const editPrompt = text(4_000).trim().min(1, 'prompt must not be empty');
const editModel = z.string().min(1).max(64).optional().openapi({
  description:
    'Optional. A Sora source is remixed by its own model; any other source is edited by kling-o3-edit (default) or kling-o3-standard-edit.',
});

/** `POST /v1/videos/edits`: JSON `{video: {id}, prompt}`, or the SDK's multipart with `video[id]`. */
export const EditVideoBody = z
  .strictObject({
    video: z
      .strictObject({
        id: z.string().min(1).max(64).openapi({ example: 'video_019f6af7308800000000000000000000' }),
      })
      .openapi({ description: 'The video to edit: one of yours, completed.' }),
    prompt: editPrompt,
    model: editModel,
  })
  .openapi('EditVideoBody');

/** `POST /v1/videos/{video_id}/remix`: `{prompt}`. */
export const RemixVideoBody = z
  .strictObject({ prompt: editPrompt, model: editModel })
  .openapi('RemixVideoBody');
