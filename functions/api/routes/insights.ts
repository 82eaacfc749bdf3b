import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Deps } from '../../core/deps.ts';
import type { Feedback } from '../../core/domain/feedback.ts';
import { VIDEO_ID_PATTERN } from '../../core/domain/ids.ts';
import { notFound } from '../../core/errors.ts';
import { getFeedback, giveFeedback } from '../../core/insights/give-feedback.ts';
import { readStats } from '../../core/insights/read-stats.ts';
import type { AuthEnv } from '../auth.ts';
import { invalidRequestOf } from '../create-request.ts';
import { FeedbackBody, FeedbackObject, StatsObject, StatsQuery } from '../insights-schemas.ts';
import { VideoIdParam } from '../schemas.ts';
import { errors, json, security } from './route-docs.ts';

const giveFeedbackRoute = createRoute({
  method: 'post',
  path: '/v1/videos/{video_id}/feedback',
  summary: 'Rate a completed video (one feedback per API key per video; sending again replaces it)',
  security,
  request: {
    params: VideoIdParam,
    body: { required: true, content: { 'application/json': { schema: FeedbackBody } } },
  },
  responses: {
    200: json(FeedbackObject, 'The feedback as stored'),
    ...errors(400, 401, 404, 409, 413, 415, 429),
  },
});
const getFeedbackRoute = createRoute({
  method: 'get',
  path: '/v1/videos/{video_id}/feedback',
  summary: "This key's feedback on a video",
  security,
  request: { params: VideoIdParam },
  responses: { 200: json(FeedbackObject, 'The feedback'), ...errors(401, 404, 429) },
});
const statsRoute = createRoute({
  method: 'get',
  path: '/v1/stats',
  summary: "Your tenant's statistics: outcomes, times, ratings and spend, by model, style or day",
  security,
  request: { query: StatsQuery },
  responses: {
    200: json(StatsObject, 'Statistics over whole UTC days of creation'),
    ...errors(400, 401, 429),
  },
});

const checkedId = (id: string) => {
  if (!VIDEO_ID_PATTERN.test(id)) throw notFound(`Video ${id}`, 'video_id');
  return id;
};

function present(feedback: Feedback) {
  return {
    object: 'video.feedback' as const,
    video_id: feedback.jobId,
    rating: feedback.rating,
    visual_quality: feedback.scores.visual_quality ?? null,
    prompt_adherence: feedback.scores.prompt_adherence ?? null,
    consistency: feedback.scores.consistency ?? null,
    narrative: feedback.scores.narrative ?? null,
    comment: feedback.comment ?? null,
    created_at: Math.floor(feedback.createdAt / 1000),
    updated_at: Math.floor(feedback.updatedAt / 1000),
  };
}

/** Feedback on videos and the statistics it feeds. */
export function insightRoutes(deps: Deps) {
  const app = new OpenAPIHono<AuthEnv>({
    defaultHook: (result) => {
      if (!result.success) throw invalidRequestOf(result.error);
    },
  });
  const caller = (c: { get(key: 'tenant' | 'keyId'): string }) => ({
    tenant: c.get('tenant'),
    keyId: c.get('keyId'),
  });

  app.openapi(giveFeedbackRoute, async (c) => {
    const id = checkedId(c.req.valid('param').video_id);
    const { rating, comment, ...scores } = c.req.valid('json');
    const { feedback } = await giveFeedback(deps, caller(c), id, { rating, scores, comment });
    return c.json(present(feedback), 200);
  });

  app.openapi(getFeedbackRoute, async (c) => {
    const feedback = await getFeedback(deps, caller(c), checkedId(c.req.valid('param').video_id));
    return c.json(present(feedback), 200);
  });

  app.openapi(statsRoute, async (c) => {
    const { since, until, model, group_by: groupBy } = c.req.valid('query');
    const stats = await readStats(deps, c.get('tenant'), { since, until, model, groupBy });
    return c.json(
      { object: 'stats' as const, model: model ?? null, group_by: groupBy ?? null, ...stats },
      200,
    );
  });
  return app;
}
