import { z } from '@hono/zod-openapi';

/** Text a person wrote: well-formed Unicode and no control characters but tab and newlines (as in schemas.ts). */
export const personText = (max: number) =>
  z
    .string()
    .max(max)
    .refine(
      (value) => !/\p{Cs}|[^\P{Cc}\t\n\r]/u.test(value),
      'contains control characters or broken Unicode',
    );

export const Style = z
  .object({
    id: z.string().openapi({ example: 'anime' }),
    object: z.literal('style'),
    title: z.string(),
    description: z.string(),
    template: z.string().openapi({ description: '{prompt} marks where the prompt goes.' }),
  })
  .openapi('Style');

export const StyleList = z.object({ object: z.literal('list'), data: z.array(Style) }).openapi('StyleList');

export const EnhancePromptBody = z
  .strictObject({
    prompt: personText(4_000).trim().min(1, 'prompt must not be empty'),
    model: z.string().min(1).max(64).optional().openapi({ example: 'seedance-1.5-pro' }),
    style: z.string().min(1).max(40).optional().openapi({ example: 'anime' }),
  })
  .openapi('EnhancePromptRequest');

export const PromptEnhancement = z
  .object({
    object: z.literal('prompt.enhancement'),
    model: z.string(),
    prompt: z.string(),
    enhanced_prompt: z.string(),
    style: z.string().nullable(),
    final_prompt: z.string().openapi({ description: 'What a create with these fields would send to fal.' }),
  })
  .openapi('PromptEnhancement');
