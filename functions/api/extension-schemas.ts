import { z } from '@hono/zod-openapi';
import { text } from './schemas.ts';

/** OpenAI's `POST /videos/extensions` body: JSON, or the SDK's multipart with `video[id]`. */
export const ExtendVideoBody = z
  .strictObject({
    video: z.strictObject({ id: z.string().min(1).max(64) }).openapi({
      description: 'The completed video to continue: `{"id": "video_…"}` (multipart: `video[id]`).',
    }),
    prompt: text(4_000).trim().min(1, 'prompt must not be empty'),
    seconds: z
      .union(
        [z.string().regex(/^\d{1,3}$/, 'seconds is a whole number, e.g. "8"'), z.number().int().positive()],
        {
          // a union's own message is "Invalid input": say what is missing or wrong
          error: (issue) =>
            issue.input === undefined
              ? 'seconds is required: how many seconds to add, e.g. "4"'
              : 'seconds is a whole number, e.g. "8"',
        },
      )
      .transform(String)
      .openapi({
        description:
          "Length of the new segment (at most 20, and one of the source model's lengths); the video's seconds is the stitched total (at most 120, at most six extensions in a chain).",
        example: '4',
      }),
  })
  .openapi('ExtendVideoBody');
