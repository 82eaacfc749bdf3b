import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FalFault, readMp4Header } from '../../../dev/fal-emulator/index.ts';
import { toMicros } from '../../../functions/core/domain/limits.ts';
import type { SequenceObject } from '../../../functions/core/domain/sequence.ts';
import type { VideoObject } from '../../../functions/core/domain/video-object.ts';
import { falRequestsOf } from '../../support/fal-requests.ts';
import { OTHER_KEY } from '../../support/other-tenant.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';
import { waitFor } from '../../support/wait-for.ts';
import { waitUntil } from '../../support/wait-until.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    env: { REELAY_RETRY_BASE_SECONDS: '0.1', REELAY_RETRY_MAX_SECONDS: '0.5' },
  });
});
afterAll(() => stack.close());

async function post(body: unknown, key?: string): Promise<Response> {
  return stack.api('/v1/sequences', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    ...(key && { key }),
  });
}

async function sequence(id: string, key?: string): Promise<SequenceObject> {
  return (await (await stack.api(`/v1/sequences/${id}`, key ? { key } : {})).json()) as SequenceObject;
}

async function download(videoId: string): Promise<Buffer> {
  const { url } = (await (await stack.api(`/v1/videos/${videoId}/content?redirect=false`)).json()) as {
    url: string;
  };
  return Buffer.from(await (await fetch(url)).arrayBuffer());
}

const CLIP_T2V = 'fal-ai/bytedance/seedance/v1.5/pro/text-to-video';
const CLIP_I2V = 'fal-ai/bytedance/seedance/v1.5/pro/image-to-video';
const FRAME = 'fal-ai/ffmpeg-api/extract-frame';
const MERGE = 'fal-ai/ffmpeg-api/merge-videos';

describe('sequences', () => {
  it('makes three scenes with continuity, each from the last frame of the one before, merged into one video', async () => {
    const response = await post({
      model: 'seedance-1.5-pro',
      continuity: true,
      scenes: [
        { prompt: 'a lighthouse at dusk', seconds: '4' },
        { prompt: 'the beam sweeps the sea', seconds: '5' },
        { prompt: 'a ship answers', seconds: '4' },
      ],
    });
    expect(response.status).toBe(200);
    const created = (await response.json()) as SequenceObject;
    expect(created).toMatchObject({ object: 'sequence', continuity: true, seconds: '13' });
    expect(created.scenes.map((scene) => scene.prompt)).toEqual([
      'a lighthouse at dusk',
      'the beam sweeps the sea',
      'a ship answers',
    ]);
    const job = await stack.waitForEnd(created.video_id);
    expect(job.state).toBe('completed');
    expect(falRequestsOf(stack, job.id).map((request) => request.endpointId)).toEqual([
      CLIP_T2V,
      FRAME,
      CLIP_I2V,
      FRAME,
      CLIP_I2V,
      MERGE,
    ]);
    // scene 2 starts from the frame taken of scene 1
    const steps = job.plan?.steps ?? [];
    expect(steps[2]?.input.image_url).toBeDefined();
    expect(falRequestsOf(stack, job.id)[2]?.input.image_url).toBe(steps[1]?.outputUrl);

    const done = await sequence(created.id);
    expect(done).toMatchObject({ status: 'completed', progress: 100, error: null });
    expect(done.scenes.map((scene) => scene.status)).toEqual(['completed', 'completed', 'completed']);

    // the merged result is an ordinary video: retrieved, listed, downloaded, naming its sequence
    const video = (await (await stack.api(`/v1/videos/${created.video_id}`)).json()) as VideoObject;
    expect(video).toMatchObject({ status: 'completed', seconds: '13', sequence_id: created.id });
    const { url } = (await (
      await stack.api(`/v1/videos/${created.video_id}/content?redirect=false`)
    ).json()) as {
      url: string;
    };
    expect(readMp4Header(Buffer.from(await (await fetch(url)).arrayBuffer())).durationSeconds).toBe(13);

    const list = (await (await stack.api('/v1/sequences?limit=10')).json()) as { data: SequenceObject[] };
    expect(list.data.map((item) => item.id)).toContain(created.id);
  });

  it('generates scenes without continuity in parallel, each a job of its own, then merges them once', async () => {
    const before = (await stack.deps.usage.get({ tenant: 'local' })).spentMicros;
    const created = (await (
      await post({
        scenes: [
          { prompt: 'dawn', seconds: '4' },
          { prompt: 'noon', seconds: '4' },
          { prompt: 'dusk', seconds: '4' },
        ],
      })
    ).json()) as SequenceObject;
    expect(created.status).toBe('in_progress');
    const parent = await stack.job(created.video_id);
    const ids = parent.sceneIds ?? [];
    expect(ids).toHaveLength(3);
    // admitted all at once: every scene's estimate and the merge's are reserved
    const scenes = await Promise.all(ids.map((id) => stack.job(id)));
    const reserved = scenes.reduce(
      (sum, scene) => sum + toMicros(scene.estimatedCostUsd),
      toMicros(parent.estimatedCostUsd),
    );
    expect((await stack.deps.usage.get({ tenant: 'local' })).spentMicros - before).toBe(reserved);
    expect(created.estimated_cost_usd).toBeCloseTo(reserved / 1e6, 6);

    const job = await stack.waitForEnd(created.video_id);
    expect(job.state).toBe('completed');
    const sceneRequests = ids.map((id) => falRequestsOf(stack, id));
    expect(sceneRequests.map((requests) => requests.map((request) => request.endpointId))).toEqual([
      [CLIP_T2V],
      [CLIP_T2V],
      [CLIP_T2V],
    ]);
    // fal had every scene before it finished any: the record, not the clock, says they overlapped
    const firstDone = Math.min(...sceneRequests.flat().map((request) => request.completedAt ?? Infinity));
    expect(sceneRequests.flat().every((request) => request.submittedAt < firstDone)).toBe(true);
    // each scene's output is kept for the merge, which reads them in scene order
    expect(sceneRequests.flat().every((request) => request.mediaTtlMs >= 3_600_000)).toBe(true);
    const merge = falRequestsOf(stack, created.video_id);
    expect(merge.map((request) => request.endpointId)).toEqual([MERGE]);
    expect(merge[0]?.input.video_urls).toEqual(sceneRequests.map((requests) => requests[0]?.videoUrl));
    const done = await sequence(created.id);
    expect(done).toMatchObject({ status: 'completed', progress: 100 });
    expect(done.scenes.map((scene) => scene.status)).toEqual(['completed', 'completed', 'completed']);
    // one sequence, one video: the scenes are nobody's videos, and only the merged one is archived
    expect(readMp4Header(await download(created.video_id)).durationSeconds).toBe(12);
    for (const id of ids) {
      expect((await stack.api(`/v1/videos/${id}`)).status).toBe(404);
      expect((await stack.api(`/v1/videos/${id}`, { method: 'DELETE' })).status).toBe(404);
      expect(stack.objectWrites.get(`videos/local/${id}.mp4`)).toBeUndefined();
      expect((await stack.job(id)).outbox).toBeUndefined();
    }
    const listed = (await (await stack.api('/v1/videos?limit=100')).json()) as { data: VideoObject[] };
    expect(listed.data.map((video) => video.id)).toContain(created.video_id);
    expect(listed.data.some((video) => ids.includes(video.id))).toBe(false);
  });

  it('retries a failed scene as its own job, and the sequence still completes', async () => {
    stack.emulator?.injectFault({
      on: 'generation',
      error: 'internal_server_error',
      match: { promptIncludes: 'retried once' },
    } as FalFault);
    const created = (await (
      await post({
        scenes: [
          { prompt: 'retried once', seconds: '4' },
          { prompt: 'made at once', seconds: '4' },
        ],
      })
    ).json()) as SequenceObject;
    const job = await stack.waitForEnd(created.video_id);
    expect(job.state).toBe('completed');
    const [retried, once] = job.sceneIds ?? [];
    expect(falRequestsOf(stack, retried as string).map((request) => request.outcome)).toEqual([
      'error',
      'ok',
    ]);
    expect(falRequestsOf(stack, once as string)).toHaveLength(1);
    expect(falRequestsOf(stack, created.video_id).map((request) => request.endpointId)).toEqual([MERGE]);
  });

  it('fails the sequence with the error of a scene that fails for good, and refunds what fal did not bill', async () => {
    const before = (await stack.deps.usage.get({ tenant: 'local' })).spentMicros;
    const created = (await (
      await post({
        scenes: [
          { prompt: 'made before the refusal', seconds: '4' },
          { prompt: 'refused [fal:content_policy_violation]', seconds: '4' },
          { prompt: 'made anyway', seconds: '4' },
        ],
      })
    ).json()) as SequenceObject;
    const job = await stack.waitForEnd(created.video_id);
    expect(job).toMatchObject({ state: 'failed', error: { code: 'content_policy_violation' } });
    const failed = await sequence(created.id);
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('content_policy_violation');
    expect(failed.scenes[1]).toMatchObject({ status: 'failed', error: { code: 'content_policy_violation' } });
    const ids = job.sceneIds ?? [];
    // no merge was sent, and the refusal was not retried
    expect(falRequestsOf(stack, created.video_id)).toEqual([]);
    expect(falRequestsOf(stack, ids[1] as string)).toHaveLength(1);
    // the join stops the scenes still running once the sequence failed
    const scenes = await waitUntil(
      () => Promise.all(ids.map((id) => stack.job(id))),
      (all) => all.every((scene) => scene.state === 'completed' || scene.state === 'failed'),
    );
    // what fal billed stays spent (the scenes it made); the refused scene and the merge come back
    const billed = scenes
      .filter((scene) => scene.state === 'completed')
      .reduce((sum, scene) => sum + toMicros(scene.estimatedCostUsd), 0);
    await waitUntil(
      async () => (await stack.deps.usage.get({ tenant: 'local' })).spentMicros - before,
      (spent) => spent === billed,
    );
  });

  it('deleting a sequence mid-way cancels its scenes, at fal too, and refunds them', async () => {
    stack.emulator?.setGenerationMs(60_000);
    try {
      const before = (await stack.deps.usage.get({ tenant: 'local' })).spentMicros;
      const created = (await (
        await post({
          scenes: [
            { prompt: 'slow one', seconds: '4' },
            { prompt: 'slow two', seconds: '4' },
          ],
        })
      ).json()) as SequenceObject;
      const ids = (await stack.job(created.video_id)).sceneIds ?? [];
      await waitFor(async () =>
        (await Promise.all(ids.map((id) => stack.job(id)))).every((scene) => scene.state === 'submitted')
          ? true
          : undefined,
      );
      expect((await stack.api(`/v1/sequences/${created.id}`, { method: 'DELETE' })).status).toBe(200);
      for (const id of ids) {
        expect(await stack.job(id)).toMatchObject({ state: 'failed', error: { code: 'cancelled' } });
        expect((await stack.job(id)).deletedAt).toBeDefined();
        expect(falRequestsOf(stack, id).map((request) => request.outcome)).toEqual(['cancelled']);
      }
      await waitUntil(
        async () => (await stack.deps.usage.get({ tenant: 'local' })).spentMicros - before,
        (spent) => spent === 0,
      );
      const { active } = await stack.deps.usage.get({ tenant: 'local' });
      expect(ids.filter((id) => id in active)).toEqual([]);
    } finally {
      stack.emulator?.setGenerationMs(150);
    }
  });

  it('refuses what it cannot make with a 400 naming the field, recording nothing', async () => {
    const before = falRequestsOf(stack, '').length;
    for (const [body, param] of [
      [{ scenes: [{ prompt: 'only one' }] }, 'scenes'],
      [{ scenes: Array.from({ length: 9 }, () => ({ prompt: 'x' })) }, 'scenes'],
      [
        {
          model: 'seedance-1.5-pro',
          scenes: Array.from({ length: 8 }, () => ({ prompt: 'x', seconds: '16' })),
        },
        'scenes',
      ],
      [{ scenes: [{ prompt: 'a' }, { prompt: '' }] }, 'scenes.1.prompt'],
      [{ scenes: [{ prompt: 'a' }, { prompt: 'b', seconds: '99' }] }, 'seconds'],
      [{ scenes: [{ prompt: 'a' }, { prompt: 'b' }], model: 'nope' }, 'model'],
      [{ scenes: [{ prompt: 'a' }, { prompt: 'b' }], continuity: 'yes' }, 'continuity'],
    ] as const) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = ((await response.json()) as { error: { code: string; param: string } }).error;
      expect(error.param, JSON.stringify(body)).toBe(param);
    }
    expect(falRequestsOf(stack, '').length).toBe(before);
  });

  it('keeps tenants apart: another tenant’s sequence is a 404 to read, list or delete', async () => {
    const mine = (await (
      await post({
        scenes: [
          { prompt: 'mine one', seconds: '4' },
          { prompt: 'mine two', seconds: '4' },
        ],
      })
    ).json()) as SequenceObject;
    expect((await stack.api(`/v1/sequences/${mine.id}`, { key: OTHER_KEY })).status).toBe(404);
    // nor are its scenes anyone's videos
    for (const id of (await stack.job(mine.video_id)).sceneIds ?? []) {
      expect((await stack.api(`/v1/videos/${id}`, { key: OTHER_KEY })).status).toBe(404);
      expect((await stack.api(`/v1/videos/${id}`, { method: 'DELETE', key: OTHER_KEY })).status).toBe(404);
    }
    expect((await stack.api(`/v1/sequences/${mine.id}`, { method: 'DELETE', key: OTHER_KEY })).status).toBe(
      404,
    );
    const theirs = (await (await stack.api('/v1/sequences', { key: OTHER_KEY })).json()) as {
      data: SequenceObject[];
    };
    expect(theirs.data.map((item) => item.id)).not.toContain(mine.id);
    // a video that is no sequence is not one by its other name either
    const plain = await stack.createVideo({ prompt: 'just a video', seconds: '4' });
    expect((await stack.api(`/v1/sequences/${plain.id.replace('video_', 'seq_')}`)).status).toBe(404);

    expect((await stack.waitForEnd(mine.video_id)).state).toBe('completed');
    const deleted = await stack.api(`/v1/sequences/${mine.id}`, { method: 'DELETE' });
    expect(await deleted.json()).toEqual({ id: mine.id, object: 'sequence.deleted', deleted: true });
    expect((await stack.api(`/v1/sequences/${mine.id}`)).status).toBe(404);
    expect((await stack.api(`/v1/videos/${mine.video_id}`)).status).toBe(404);
  });
});
