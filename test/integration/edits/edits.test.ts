import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMp4Header } from '../../../dev/fal-emulator/index.ts';
import { OTHER_KEY, OTHER_TENANT } from '../../support/other-tenant.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

let stack: TestStack;
let client: OpenAI;
beforeAll(async () => {
  stack = await startTestStack();
  client = new OpenAI({ apiKey: stack.apiKey, baseURL: `${stack.url}/v1`, maxRetries: 0 });
});
afterAll(() => stack.close());

async function completed(body: Record<string, unknown>): Promise<string> {
  const video = await stack.createVideo(body);
  const job = await stack.waitForEnd(video.id);
  expect(job.state).toBe('completed');
  return video.id;
}

const postJson = (path: string, body: unknown, key?: string) =>
  stack.api(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(key !== undefined && { key }),
  });

async function downloaded(id: string): Promise<Buffer> {
  const content = await client.videos.downloadContent(id);
  return Buffer.from(await content.arrayBuffer());
}

describe('edits and remix', () => {
  it('SDK videos.remix of a kept Sora video goes to Sora remix with OpenAI’s video id', async () => {
    const sourceId = await completed({
      prompt: 'a paper boat',
      model: 'sora-2',
      seconds: '8',
      size: '720x1280',
    });
    const source = await stack.job(sourceId);
    expect(source.falInput).toMatchObject({ delete_video: false });
    expect(source.openaiVideoId).toMatch(/^video_[0-9a-f]{48}$/);

    const remix = await client.videos.remix(sourceId, { prompt: 'the boat at night' });
    expect(remix).toMatchObject({
      model: 'sora-2',
      seconds: '8',
      size: '720x1280',
      remixed_from_video_id: sourceId,
    });
    const job = await stack.waitForEnd(remix.id);
    expect(job).toMatchObject({
      state: 'completed',
      falEndpoint: 'fal-ai/sora-2/video-to-video/remix',
      falInput: { video_id: source.openaiVideoId, prompt: 'the boat at night', delete_video: false },
    });
    expect(readMp4Header(await downloaded(remix.id))).toMatchObject({
      width: 720,
      height: 1280,
      durationSeconds: 8,
    });
    // remixed again: the remix was kept too
    const again = await client.videos.edit({ video: { id: remix.id }, prompt: 'and at dawn' });
    expect((await stack.waitForEnd(again.id)).state).toBe('completed');
  });

  it('SDK videos.edit of another model’s video goes to Kling O3 with a presigned URL of the archive', async () => {
    const sourceId = await completed({
      prompt: 'a fox',
      model: 'seedance-1.5-pro',
      seconds: '5',
      size: '1280x720',
    });
    const edit = await client.videos.edit({ video: { id: sourceId }, prompt: 'make @Video1 snowy' });
    expect(edit).toMatchObject({ model: 'kling-o3-edit', seconds: '5', remixed_from_video_id: sourceId });
    expect(edit.status).not.toBe('failed');
    const job = await stack.waitForEnd(edit.id);
    expect(job.state).toBe('completed');
    expect(job.falEndpoint).toBe('fal-ai/kling-video/o3/pro/video-to-video/edit');
    expect(String(job.falInput.video_url)).toContain(`${sourceId}.mp4`);
    // the URL lives as long as the edit may (a queued edit still finds its source), not a download link's hour
    expect(new URL(String(job.falInput.video_url)).searchParams.get('X-Amz-Expires')).toBe(
      String(stack.deps.policy.maxJobAgeMs / 1000),
    );
    expect(readMp4Header(await downloaded(edit.id))).toMatchObject({
      width: 1280,
      height: 720,
      durationSeconds: 5,
    });
    // priced by the edit model: 5 s at $0.168
    expect((edit as unknown as { estimated_cost_usd: number }).estimated_cost_usd).toBeCloseTo(0.84, 4);
  });

  it('accepts the reference JSON body and the SDK multipart; remix is its alias', async () => {
    const sourceId = await completed({ prompt: 'a fox', model: 'seedance-1.5-pro', seconds: '4' });
    const byJson = await postJson('/v1/videos/edits', { video: { id: sourceId }, prompt: 'in the rain' });
    expect(byJson.status).toBe(200);
    expect(await byJson.json()).toMatchObject({ remixed_from_video_id: sourceId, model: 'kling-o3-edit' });
    const byRemix = await postJson(`/v1/videos/${sourceId}/remix`, {
      prompt: 'in the rain',
      model: 'kling-o3-standard-edit',
    });
    expect(await byRemix.json()).toMatchObject({
      remixed_from_video_id: sourceId,
      model: 'kling-o3-standard-edit',
    });
    const form = new FormData();
    form.set('video[id]', sourceId);
    form.set('prompt', 'in the snow');
    const byForm = await stack.api('/v1/videos/edits', { method: 'POST', body: form });
    expect(await byForm.json()).toMatchObject({ remixed_from_video_id: sourceId });
  });

  it('refuses what cannot be edited with a 400 that says why, recording nothing', async () => {
    const long = await completed({ prompt: 'x', model: 'seedance-1.5-pro', seconds: '12' });
    const small = await completed({ prompt: 'x', model: 'seedance-1.5-pro', seconds: '4', size: '854x480' });
    const before = (await stack.deps.jobs.listByTenant('local', { limit: 100, order: 'desc' })).jobs.length;
    const cases: [unknown, string, RegExp][] = [
      [{ video: { id: long }, prompt: 'x' }, 'video', /3 to 10 seconds/],
      [{ video: { id: small }, prompt: 'x' }, 'video', /720 to 2160 px/],
      [{ video: { id: long }, prompt: 'x', model: 'sora-2' }, 'model', /kling-o3-edit/],
      [{ video: { id: long } }, 'prompt', /.+/],
      [{ video: {}, prompt: 'x' }, 'video.id', /.+/],
      [{ video: { id: long }, prompt: 'x', seconds: '8' }, 'seconds', /Unrecognized/],
    ];
    for (const [body, param, message] of cases) {
      const response = await postJson('/v1/videos/edits', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const { error } = (await response.json()) as {
        error: { code: string; message: string; param: string };
      };
      expect(error).toMatchObject({ code: 'invalid_request', param });
      expect(error.message).toMatch(message);
    }
    const after = (await stack.deps.jobs.listByTenant('local', { limit: 100, order: 'desc' })).jobs.length;
    expect(after).toBe(before);
  });

  it('a source not yet completed is a 400; someone else’s, a deleted or an unknown one a 404', async () => {
    const mine = await completed({ prompt: 'x', model: 'seedance-1.5-pro', seconds: '4' });
    // its webhook is dropped and nothing reconciles here: it stays in progress
    const running = await stack.createVideo({
      prompt: 'x [fal:drop_webhook]',
      model: 'seedance-1.5-pro',
      seconds: '4',
    });
    const notReady = await postJson('/v1/videos/edits', { video: { id: running.id }, prompt: 'x' });
    expect(notReady.status).toBe(400);
    expect((await notReady.json()).error.message).toMatch(/not completed yet/);

    const theirs = await postJson(`/v1/videos/${mine}/remix`, { prompt: 'x' }, OTHER_KEY);
    expect(theirs.status).toBe(404);
    expect((await theirs.json()).error).toMatchObject({ code: 'not_found' });

    const deleted = await completed({ prompt: 'x', model: 'seedance-1.5-pro', seconds: '4' });
    await client.videos.delete(deleted);
    for (const id of [deleted, 'video_019f6af7308800000000000000000000', 'not-an-id']) {
      const response = await postJson('/v1/videos/edits', { video: { id }, prompt: 'x' });
      expect(response.status, id).toBe(404);
    }
  });

  it('an Idempotency-Key makes a repeated edit the same video; the budget holds edits like creates', async () => {
    const sourceId = await completed({ prompt: 'a fox', model: 'seedance-1.5-pro', seconds: '5' });
    const send = () =>
      stack.api('/v1/videos/edits', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'edit-once' },
        body: JSON.stringify({ video: { id: sourceId }, prompt: 'snow' }),
      });
    const first = await send();
    const again = await send();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await again.json()).id).toBe((await first.json()).id);

    // an edit priced past what is left of the day's budget is refused before anything is recorded
    const spent = (await stack.deps.usage.get({ tenant: OTHER_TENANT })).spentMicros;
    await stack.deps.tenants.setLimits(OTHER_TENANT, { dailyBudgetUsd: spent / 1e6 + 0.5 });
    try {
      const response = await postJson(
        '/v1/videos',
        { prompt: 'theirs', model: 'seedance-1.5-pro', seconds: '5' },
        OTHER_KEY,
      );
      const theirs = (await response.json()) as { id: string };
      expect((await stack.waitForEnd(theirs.id)).state).toBe('completed');
      const refused = await postJson(
        '/v1/videos/edits',
        { video: { id: theirs.id }, prompt: 'snow' },
        OTHER_KEY,
      );
      expect(refused.status).toBe(429);
      expect((await refused.json()).error).toMatchObject({ code: 'budget_exceeded' });
    } finally {
      await stack.deps.tenants.setLimits(OTHER_TENANT, { dailyBudgetUsd: 100_000 });
    }
  });

  it('one tenant can be set not to keep its Sora videos at OpenAI', async () => {
    await stack.deps.tenants.setLimits(OTHER_TENANT, { keepSoraVideos: false });
    const response = await postJson(
      '/v1/videos',
      { prompt: 'private', model: 'sora-2', seconds: '4' },
      OTHER_KEY,
    );
    const { id } = (await response.json()) as { id: string };
    const job = await stack.waitForEnd(id);
    expect(job.falInput.delete_video).toBeUndefined();
    expect(job.spec.keepAtOpenAI).toBeUndefined();
    // this tenant's still are
    const mine = await stack.createVideo({ prompt: 'kept', model: 'sora-2', seconds: '4' });
    expect((await stack.job(mine.id)).falInput.delete_video).toBe(false);
  });

  it('a Sora video made without keeping it at OpenAI cannot be remixed (400 saying why)', async () => {
    const other = await startTestStack({ env: { REELAY_KEEP_SORA_VIDEOS: 'false' } });
    try {
      const video = await other.createVideo({ prompt: 'x', model: 'sora-2', seconds: '4' });
      const job = await other.waitForEnd(video.id);
      expect(job.falInput.delete_video).toBeUndefined();
      const response = await other.api(`/v1/videos/${video.id}/remix`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'again' }),
      });
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as { error: { message: string; param: string } };
      expect(error.param).toBe('video');
      expect(error.message).toMatch(/delete_video/);
    } finally {
      await other.close();
    }
  });

  it('GET /v1/models and the OpenAPI document say what each model can do', async () => {
    const { data } = (await (await stack.api('/v1/models')).json()) as {
      data: { id: string; capabilities: Record<string, unknown> }[];
    };
    const of = (id: string) => data.find((model) => model.id === id)?.capabilities;
    expect(of('veo-3.1')).toMatchObject({
      extend: { method: 'native', fal_endpoint: 'fal-ai/veo3.1/extend-video', native_seconds: ['7'] },
      edit: { method: 'video_to_video', min_seconds: 3, max_seconds: 10, min_side: 720 },
    });
    expect(of('sora-2-pro')).toMatchObject({
      extend: { method: 'last_frame', fal_endpoint: null, native_seconds: [] },
      edit: { method: 'remix', fal_endpoint: 'fal-ai/sora-2/video-to-video/remix' },
    });
    expect(of('seedance-1.5-pro')).toMatchObject({
      extend: { method: 'last_frame' },
      edit: { fal_endpoint: 'fal-ai/kling-video/o3/pro/video-to-video/edit' },
      // the test stack archives no images (REELAY_THUMBNAILS=false)
      thumbnail: null,
      spritesheet: false,
    });
    const doc = await (await stack.api('/openapi.json', { key: null })).json();
    expect(doc.components.schemas.Model.properties.capabilities.properties).toHaveProperty('edit');
    expect(doc.paths['/v1/videos/edits'].post.requestBody.content).toHaveProperty('multipart/form-data');
  });
});
