import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Deps } from '../../core/deps.ts';
import { VIDEO_ID_PATTERN } from '../../core/domain/ids.ts';
import { IMAGE_VARIANTS, type ImageVariant, type Job } from '../../core/domain/job.ts';
import { toVideoObject } from '../../core/domain/video-object.ts';
import { invalidRequest, notFound } from '../../core/errors.ts';
import { ApiError } from '../../core/http/api-error.ts';
import { createVideo } from '../../core/jobs/create-video.ts';
import { deleteVideo, getVisibleJob } from '../../core/jobs/delete-video.ts';
import { queuePositions } from '../../core/limits/queue-position.ts';
import type { AuthEnv } from '../auth.ts';
import { invalidRequestOf, readCreateRequest } from '../create-request.ts';
import { listPage } from '../list-page.ts';
import {
  ContentQuery,
  ContentUrl,
  CreateVideoBody,
  DeletedVideo,
  ListQuery,
  Video,
  VideoIdParam,
  VideoList,
} from '../schemas.ts';
import { errors, json, security } from './route-docs.ts';

const createVideoRoute = createRoute({
  method: 'post',
  path: '/v1/videos',
  summary: 'Create a video',
  security,
  request: {
    headers: z.object({
      'idempotency-key': z.string().min(1).max(255).optional().openapi({
        description:
          'Repeats with the same key and request within 24 h answer the same video (header Idempotent-Replayed: true); a different request with the key is 409 idempotency_key_reused.',
      }),
    }),
    body: {
      required: true,
      content: {
        'application/json': { schema: CreateVideoBody },
        'multipart/form-data': { schema: CreateVideoBody },
      },
    },
  },
  responses: {
    200: json(Video, 'The new video, queued or in progress'),
    ...errors(400, 401, 403, 404, 409, 413, 415, 429, 502, 503),
  },
});
const getVideoRoute = createRoute({
  method: 'get',
  path: '/v1/videos/{video_id}',
  summary: 'Retrieve a video',
  security,
  request: { params: VideoIdParam },
  responses: { 200: json(Video, 'The video'), ...errors(401, 404, 429) },
});
const listVideosRoute = createRoute({
  method: 'get',
  path: '/v1/videos',
  summary: 'List your videos',
  security,
  request: { query: ListQuery },
  responses: { 200: json(VideoList, 'A page of videos'), ...errors(400, 401, 429) },
});
const deleteVideoRoute = createRoute({
  method: 'delete',
  path: '/v1/videos/{video_id}',
  summary: 'Delete a video (cancels it at fal if still running)',
  security,
  request: { params: VideoIdParam },
  responses: { 200: json(DeletedVideo, 'Deleted'), ...errors(401, 404, 429) },
});
const contentRoute = createRoute({
  method: 'get',
  path: '/v1/videos/{video_id}/content',
  summary: 'Download the video, its thumbnail or its spritesheet: a redirect to a short-lived URL',
  description:
    'variant=thumbnail and variant=spritesheet serve the images archived beside the video, with the content type they really have (Sora’s own; otherwise a PNG thumbnail drawn by fal’s extract-frame, and no spritesheet): a 404 where a video has none. GET /v1/models says which models give which.',
  security,
  request: { params: VideoIdParam, query: ContentQuery },
  responses: {
    200: json(ContentUrl, 'With redirect=false: the presigned URL and when it expires'),
    302: { description: 'Location is a presigned URL to the MP4' },
    ...errors(400, 401, 404, 409, 429),
  },
});

const isImageVariant = (variant: string): variant is ImageVariant =>
  (IMAGE_VARIANTS as readonly string[]).includes(variant);

const checkedId = (id: string) => {
  if (!VIDEO_ID_PATTERN.test(id)) throw notFound(`Video ${id}`, 'video_id');
  return id;
};

export function videoRoutes(deps: Deps) {
  const app = new OpenAPIHono<AuthEnv>({
    defaultHook: (result) => {
      if (!result.success) throw invalidRequestOf(result.error);
    },
  });
  // a waiting video also shows its place in the tenant's queue: one read, for a whole page too
  const presentAll = async (tenant: string, jobs: Job[]) => {
    const positions = await queuePositions(deps, tenant, jobs);
    return jobs.map((job) =>
      toVideoObject(job, deps.now(), deps.config.videoRetentionDays, positions.get(job.id) ?? null),
    );
  };
  const present = async (tenant: string, job: Job) => (await presentAll(tenant, [job]))[0];

  // validated by readCreateRequest (JSON and multipart alike); registered for the OpenAPI document
  app.openAPIRegistry.registerPath(createVideoRoute);
  app.post('/v1/videos', async (c) => {
    const { request, image } = await readCreateRequest(c);
    const idempotencyKey = c.req.header('idempotency-key');
    const { job, replayed } = await createVideo(deps, c.get('tenant'), request, { image, idempotencyKey });
    if (replayed) c.header('Idempotent-Replayed', 'true');
    return c.json(await present(job.tenant, job), 200);
  });

  app.openapi(getVideoRoute, async (c) => {
    const job = await getVisibleJob(deps, c.get('tenant'), checkedId(c.req.valid('param').video_id));
    return c.json(await present(job.tenant, job), 200);
  });

  app.openapi(listVideosRoute, async (c) => {
    const { after, limit, order } = c.req.valid('query');
    if (after !== undefined && !VIDEO_ID_PATTERN.test(after))
      throw invalidRequest('after must be a video id.', 'after');
    const page = await deps.jobs.listByTenant(c.get('tenant'), { after, limit, order });
    const data = await presentAll(c.get('tenant'), page.jobs);
    return c.json(listPage(data, page.hasMore), 200);
  });

  app.openapi(deleteVideoRoute, async (c) => {
    const id = checkedId(c.req.valid('param').video_id);
    await deleteVideo(deps, c.get('tenant'), id);
    return c.json({ id, object: 'video.deleted' as const, deleted: true as const }, 200);
  });

  app.openapi(contentRoute, async (c) => {
    const job = await getVisibleJob(deps, c.get('tenant'), checkedId(c.req.valid('param').video_id));
    const { variant, redirect } = c.req.valid('query');
    if (variant !== 'video' && !isImageVariant(variant)) {
      throw invalidRequest(
        `variant ${variant} is not available; Reelay serves variant=video, thumbnail or spritesheet.`,
        'variant',
      );
    }
    if (job.state === 'failed') {
      throw new ApiError(409, 'video_failed', `The video failed (${job.error?.code}) and has no content.`);
    }
    if (job.state !== 'completed' || !job.archive) {
      throw new ApiError(
        409,
        'video_not_ready',
        'The video is not ready yet; poll GET /v1/videos/{video_id} until completed.',
      );
    }
    const stored = variant === 'video' ? job.archive : job.images?.[variant];
    if (!stored) {
      throw notFound(`The ${variant} of video ${job.id}`, 'variant');
    }
    const ttl = deps.config.downloadUrlTtlSeconds;
    const fileName =
      variant === 'video' ? `${job.id}.mp4` : stored.key.slice(stored.key.lastIndexOf('/') + 1);
    const url = await deps.archive.downloadUrl(stored.key, ttl, fileName);
    // the presigned URL is a bearer credential for the file: kept out of caches and Referer headers
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
    if (redirect === 'false') {
      const expiresAt = Math.floor(deps.now() / 1000) + ttl;
      return c.json({ object: 'video.content_url' as const, url, expires_at: expiresAt }, 200);
    }
    return c.redirect(url, 302);
  });

  return app;
}
