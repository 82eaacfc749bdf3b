import { z } from '@hono/zod-openapi';
import { SEQUENCE_LIMITS } from '../core/domain/sequence.ts';
import { CreateVideoBody, text } from './schemas.ts';

const fields = CreateVideoBody.shape;

export const CreateSequenceBody = z
  .strictObject({
    model: fields.model,
    scenes: z
      .array(
        z.strictObject({
          prompt: text(4_000).trim().min(1, 'prompt must not be empty'),
          seconds: fields.seconds,
        }),
      )
      .min(SEQUENCE_LIMITS.minScenes)
      .max(SEQUENCE_LIMITS.maxScenes)
      .openapi({ description: 'The scenes in order (2 to 8, 120 s in all), each a prompt and its seconds.' }),
    continuity: z.boolean().default(false).openapi({
      description:
        "true: each scene starts from the previous scene's last frame (the scenes then run one after another); false: the scenes are generated in parallel, each counted against concurrency and budget.",
    }),
    size: fields.size,
    style: fields.style,
    enhance_prompt: fields.enhance_prompt,
    metadata: fields.metadata,
    callback_url: fields.callback_url,
  })
  .openapi('CreateSequenceRequest');

const Status = z.enum(['queued', 'in_progress', 'completed', 'failed']);
const Failure = z.object({ code: z.string(), message: z.string() }).nullable();

export const Sequence = z
  .object({
    id: z.string().openapi({ example: 'seq_019f6af7308800000000000000000000' }),
    object: z.literal('sequence'),
    status: Status,
    progress: z.number().int().min(0).max(100),
    model: z.string(),
    continuity: z.boolean(),
    style: z.string().nullable(),
    seconds: z.string().openapi({ description: 'The merged video’s length: the scenes’ sum.' }),
    size: z.string(),
    created_at: z.number().int(),
    completed_at: z.number().int().nullable(),
    video_id: z
      .string()
      .openapi({ description: 'The merged video: an ordinary video (GET /v1/videos/{id}).' }),
    scenes: z.array(
      z.object({
        index: z.number().int(),
        prompt: z.string(),
        seconds: z.string(),
        status: Status,
        error: Failure,
      }),
    ),
    error: Failure,
    estimated_cost_usd: z.number(),
  })
  .openapi('Sequence');

export const SequenceList = z
  .object({
    object: z.literal('list'),
    data: z.array(Sequence),
    first_id: z.string().nullable(),
    last_id: z.string().nullable(),
    has_more: z.boolean(),
  })
  .openapi('SequenceList');

export const DeletedSequence = z
  .object({ id: z.string(), object: z.literal('sequence.deleted'), deleted: z.literal(true) })
  .openapi('DeletedSequence');

export const SequenceIdParam = z.object({
  sequence_id: z.string().openapi({ param: { name: 'sequence_id', in: 'path' }, example: 'seq_019f…' }),
});
