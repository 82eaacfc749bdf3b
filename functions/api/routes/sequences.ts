import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Deps } from '../../core/deps.ts';
import type { Job } from '../../core/domain/job.ts';
import {
  SEQUENCE_ID_PATTERN,
  sequenceIdOf,
  toSequenceObject,
  videoIdOf,
} from '../../core/domain/sequence.ts';
import { invalidRequest, NotFound, notFound } from '../../core/errors.ts';
import { createSequence } from '../../core/jobs/create-sequence.ts';
import { deleteVideo, getVisibleJob } from '../../core/jobs/delete-video.ts';
import { readScenes } from '../../core/jobs/join-scenes.ts';
import { listSequences } from '../../core/jobs/list-sequences.ts';
import type { AuthEnv } from '../auth.ts';
import { invalidRequestOf, readFields } from '../create-request.ts';
import { listPage } from '../list-page.ts';
import { ListQuery } from '../schemas.ts';
import {
  CreateSequenceBody,
  DeletedSequence,
  Sequence,
  SequenceIdParam,
  SequenceList,
} from '../sequence-schemas.ts';
import { errors, json, security } from './route-docs.ts';

const createSequenceRoute = createRoute({
  method: 'post',
  path: '/v1/sequences',
  summary: 'Make one video of several scenes, merged (optionally each from the last frame of the one before)',
  security,
  request: { body: { required: true, content: { 'application/json': { schema: CreateSequenceBody } } } },
  responses: {
    200: json(Sequence, 'The new sequence, queued or in progress'),
    ...errors(400, 401, 403, 409, 413, 415, 429, 502, 503),
  },
});
const getSequenceRoute = createRoute({
  method: 'get',
  path: '/v1/sequences/{sequence_id}',
  summary: 'Retrieve a sequence: each scene’s status and the overall progress',
  security,
  request: { params: SequenceIdParam },
  responses: { 200: json(Sequence, 'The sequence'), ...errors(401, 404, 429) },
});
const listSequencesRoute = createRoute({
  method: 'get',
  path: '/v1/sequences',
  summary: 'List your sequences',
  security,
  request: { query: ListQuery },
  responses: { 200: json(SequenceList, 'A page of sequences'), ...errors(400, 401, 429) },
});
const deleteSequenceRoute = createRoute({
  method: 'delete',
  path: '/v1/sequences/{sequence_id}',
  summary: 'Delete a sequence and its video (cancels it at fal if still running)',
  security,
  request: { params: SequenceIdParam },
  responses: { 200: json(DeletedSequence, 'Deleted'), ...errors(401, 404, 429) },
});

/** A sequence id names its video: someone else's, a deleted one or one that is no sequence is a 404. */
async function visibleSequence(deps: Deps, tenant: string, id: string) {
  if (!SEQUENCE_ID_PATTERN.test(id)) throw notFound(`Sequence ${id}`, 'sequence_id');
  const job = await getVisibleJob(deps, tenant, videoIdOf(id)).catch((error: unknown) => {
    if (error instanceof NotFound) return undefined;
    throw error;
  });
  if (!job?.spec.sequence) throw notFound(`Sequence ${id}`, 'sequence_id');
  return job;
}

/** The sequence object of a sequence's video, its parallel scenes read from their own jobs. */
async function present(deps: Deps, job: Job) {
  return toSequenceObject(job, deps.now(), await readScenes(deps, job));
}

/** `/v1/sequences`: parse and present; the work is core/jobs/create-sequence.ts and list-sequences.ts. */
export function sequenceRoutes(deps: Deps) {
  const app = new OpenAPIHono<AuthEnv>({
    defaultHook: (result) => {
      if (!result.success) throw invalidRequestOf(result.error);
    },
  });

  app.openAPIRegistry.registerPath(createSequenceRoute);
  app.post('/v1/sequences', async (c) => {
    const fields = await readFields(c);
    const parsed = CreateSequenceBody.safeParse(fields);
    if (!parsed.success) throw invalidRequestOf(parsed.error);
    const body = parsed.data;
    const { job, replayed } = await createSequence(
      deps,
      c.get('tenant'),
      {
        model: body.model,
        scenes: body.scenes,
        continuity: body.continuity,
        size: body.size,
        style: body.style,
        enhancePrompt: body.enhance_prompt,
        metadata: body.metadata,
        callbackUrl: body.callback_url,
      },
      { idempotencyKey: c.req.header('idempotency-key') },
    );
    if (replayed) c.header('Idempotent-Replayed', 'true');
    return c.json(await present(deps, job), 200);
  });

  app.openapi(getSequenceRoute, async (c) => {
    const job = await visibleSequence(deps, c.get('tenant'), c.req.valid('param').sequence_id);
    return c.json(await present(deps, job), 200);
  });

  app.openapi(listSequencesRoute, async (c) => {
    const { after, limit, order } = c.req.valid('query');
    if (after !== undefined && !SEQUENCE_ID_PATTERN.test(after))
      throw invalidRequest('after must be a sequence id.', 'after');
    const page = await listSequences(deps, c.get('tenant'), { after, limit, order });
    const data = await Promise.all(page.jobs.map((job) => present(deps, job)));
    // a page cut short by the scan bound still gives a cursor: the last video looked at
    const lastId = data.at(-1)?.id ?? (page.scannedTo ? sequenceIdOf(page.scannedTo) : null);
    return c.json(listPage(data, page.hasMore, lastId), 200);
  });

  app.openapi(deleteSequenceRoute, async (c) => {
    const id = c.req.valid('param').sequence_id;
    const job = await visibleSequence(deps, c.get('tenant'), id);
    await deleteVideo(deps, c.get('tenant'), job.id);
    return c.json({ id, object: 'sequence.deleted' as const, deleted: true as const }, 200);
  });

  return app;
}
