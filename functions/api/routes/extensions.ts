import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Deps } from '../../core/deps.ts';
import { VIDEO_ID_PATTERN } from '../../core/domain/ids.ts';
import { toVideoObject } from '../../core/domain/video-object.ts';
import { invalidRequest, notFound } from '../../core/errors.ts';
import { extendVideo } from '../../core/jobs/extend-video.ts';
import { queuePositions } from '../../core/limits/queue-position.ts';
import type { AuthEnv } from '../auth.ts';
import { invalidRequestOf, readFields } from '../create-request.ts';
import { ExtendVideoBody } from '../extension-schemas.ts';
import { Video } from '../schemas.ts';
import { errors, json, security } from './route-docs.ts';

const extendRoute = createRoute({
  method: 'post',
  path: '/v1/videos/extensions',
  summary: 'Extend a completed video: its last frame, a new clip from it, both merged into a new video',
  security,
  request: {
    body: {
      required: true,
      content: {
        'application/json': { schema: ExtendVideoBody },
        'multipart/form-data': { schema: ExtendVideoBody },
      },
    },
  },
  responses: {
    200: json(Video, 'The new video (with extended_from_video_id), queued or in progress'),
    ...errors(400, 401, 404, 409, 413, 415, 429, 502, 503),
  },
});

/** `POST /v1/videos/extensions`: parse and present; the work is core/jobs/extend-video.ts. */
export function extensionRoutes(deps: Deps) {
  const app = new OpenAPIHono<AuthEnv>();
  // validated here for JSON and multipart alike; registered for the OpenAPI document
  app.openAPIRegistry.registerPath(extendRoute);
  app.post('/v1/videos/extensions', async (c) => {
    const fields = await readFields(c);
    if (fields.video instanceof File)
      throw invalidRequest('Reelay extends a video it made: send video[id], not a file.', 'video');
    const parsed = ExtendVideoBody.safeParse(fields);
    if (!parsed.success) throw invalidRequestOf(parsed.error);
    const { video, prompt, seconds } = parsed.data;
    if (!VIDEO_ID_PATTERN.test(video.id)) throw notFound(`Video ${video.id}`, 'video.id');
    const { job, replayed } = await extendVideo(
      deps,
      c.get('tenant'),
      { videoId: video.id, prompt, seconds },
      { idempotencyKey: c.req.header('idempotency-key') },
    );
    if (replayed) c.header('Idempotent-Replayed', 'true');
    // a waiting extension shows its place in the tenant's queue, as a create does
    const position = (await queuePositions(deps, job.tenant, [job])).get(job.id) ?? null;
    return c.json(toVideoObject(job, deps.now(), deps.config.videoRetentionDays, position), 200);
  });
  return app;
}
