import { z } from '@hono/zod-openapi';
import { GROUP_BY } from '../core/domain/stats-summary.ts';
import { personText } from './creative-schemas.ts';

const score = z.number().int().min(1).max(5);

export const FeedbackBody = z
  .strictObject({
    rating: score.openapi({ description: 'Overall, 1 (poor) to 5 (excellent).', example: 4 }),
    visual_quality: score.optional(),
    prompt_adherence: score.optional(),
    consistency: score.optional(),
    narrative: score.optional(),
    comment: personText(500).trim().optional().openapi({ description: 'Up to 500 characters, screened.' }),
  })
  .openapi('FeedbackRequest');

export const FeedbackObject = z
  .object({
    object: z.literal('video.feedback'),
    video_id: z.string(),
    rating: score,
    visual_quality: score.nullable(),
    prompt_adherence: score.nullable(),
    consistency: score.nullable(),
    narrative: score.nullable(),
    comment: z.string().nullable(),
    created_at: z.number().int(),
    updated_at: z.number().int(),
  })
  .openapi('Feedback');

export const StatsQuery = z.strictObject({
  since: z
    .string()
    .max(20)
    .optional()
    .openapi({ description: 'First UTC day (YYYY-MM-DD or Unix seconds); default 29 days before until.' }),
  until: z.string().max(20).optional().openapi({ description: 'Last UTC day, inclusive; default today.' }),
  model: z.string().min(1).max(64).optional(),
  group_by: z.enum(GROUP_BY).optional(),
});

const percentiles = z.object({ p50: z.number().nullable(), p90: z.number().nullable() });
const summary = z.object({
  jobs: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  success_rate: z.number().nullable(),
  failures_by_code: z.record(z.string(), z.number().int()),
  time_to_completed_seconds: percentiles.extend({
    queue: percentiles,
    generation: percentiles,
    archive: percentiles,
  }),
  ratings: z.object({
    count: z.number().int(),
    rating: z.number().nullable(),
    visual_quality: z.number().nullable(),
    prompt_adherence: z.number().nullable(),
    consistency: z.number().nullable(),
    narrative: z.number().nullable(),
  }),
  spend: z.object({
    estimated_usd: z.number(),
    actual_usd: z.number(),
    jobs_with_actual_cost: z.number().int(),
    estimated_usd_of_jobs_with_actual_cost: z.number(),
  }),
});
const ranked = z.array(z.object({ key: z.string(), mean_rating: z.number(), ratings: z.number().int() }));

export const StatsObject = z
  .object({
    object: z.literal('stats'),
    since: z.string(),
    until: z.string(),
    model: z.string().nullable(),
    group_by: z.enum(GROUP_BY).nullable(),
    total: summary,
    groups: z.array(summary.extend({ key: z.string() })).optional(),
    best: z.object({ models: ranked, styles: ranked }),
  })
  .openapi('Stats');
