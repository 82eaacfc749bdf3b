import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Deps } from '../../core/deps.ts';
import { toVideoObject } from '../../core/domain/video-object.ts';
import { createVideo } from '../../core/jobs/create-video.ts';
import { queuePositions } from '../../core/limits/queue-position.ts';
import type { AuthEnv } from '../auth.ts';
import { readEditRequest, readRemixRequest } from '../edit-request.ts';
import { EditVideoBody, RemixVideoBody, Video, VideoIdParam } from '../schemas.ts';
import { errors, json, security } from './route-docs.ts';

const idempotencyHeader = z.object({
  'idempotency-key': z.string().min(1).max(255).optional().openapi({
    description: 'As for POST /v1/videos: repeats within 24 h answer the same video.',
  }),
});

const editRoute = createRoute({
  method: 'post',
  path: '/v1/videos/edits',
  summary: 'Edit one of your videos by a prompt',
  description:
    'A Sora source kept at OpenAI is remixed by Sora (fal-ai/sora-2/video-to-video/remix); any other completed source of 3–10 s and at least 720 px is edited by Kling O3 from its archived file. The new video has the source’s size and length and names it in remixed_from_video_id. Limits, budget and idempotency as for a create.',
  security,
  request: {
    headers: idempotencyHeader,
    body: {
      required: true,
      content: {
        'application/json': { schema: EditVideoBody },
        'multipart/form-data': { schema: EditVideoBody },
      },
    },
  },
  responses: {
    200: json(Video, 'The new video, queued or in progress'),
    ...errors(400, 401, 403, 404, 409, 413, 415, 429, 502, 503),
  },
});

const remixRoute = createRoute({
  method: 'post',
  path: '/v1/videos/{video_id}/remix',
  summary: 'Remix one of your videos (the older name of an edit)',
  security,
  request: {
    params: VideoIdParam,
    headers: idempotencyHeader,
    body: {
      required: true,
      content: {
        'application/json': { schema: RemixVideoBody },
        'multipart/form-data': { schema: RemixVideoBody },
      },
    },
  },
  responses: {
    200: json(Video, 'The new video, queued or in progress'),
    ...errors(400, 401, 403, 404, 409, 413, 415, 429, 502, 503),
  },
});

/** Edits and remix: creates whose input is another of the tenant's videos, through the one create pipeline. */
export function editRoutes(deps: Deps) {
  const app = new OpenAPIHono<AuthEnv>();
  const answer = async (
    tenant: string,
    request: Awaited<ReturnType<typeof readEditRequest>>,
    key?: string,
  ) => {
    const { job, replayed } = await createVideo(deps, tenant, request, { idempotencyKey: key });
    const positions = await queuePositions(deps, tenant, [job]);
    const video = toVideoObject(
      job,
      deps.now(),
      deps.config.videoRetentionDays,
      positions.get(job.id) ?? null,
    );
    return { video, replayed };
  };

  // bodies are read by readEditRequest/readRemixRequest (JSON and multipart alike); registered for the document
  app.openAPIRegistry.registerPath(editRoute);
  app.post('/v1/videos/edits', async (c) => {
    const request = await readEditRequest(c);
    const { video, replayed } = await answer(c.get('tenant'), request, c.req.header('idempotency-key'));
    if (replayed) c.header('Idempotent-Replayed', 'true');
    return c.json(video, 200);
  });

  app.openAPIRegistry.registerPath(remixRoute);
  app.post('/v1/videos/:video_id/remix', async (c) => {
    const request = await readRemixRequest(c, c.req.param('video_id'));
    const { video, replayed } = await answer(c.get('tenant'), request, c.req.header('idempotency-key'));
    if (replayed) c.header('Idempotent-Replayed', 'true');
    return c.json(video, 200);
  });

  return app;
}
