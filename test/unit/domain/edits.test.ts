import { describe, expect, it } from 'vitest';
import { capabilitiesOf } from '../../../functions/core/domain/catalog/capabilities.ts';
import { type EditSource, resolveEdit } from '../../../functions/core/domain/catalog/edits.ts';
import { findModel, resolveVideo } from '../../../functions/core/domain/catalog/index.ts';
import { InvalidRequest } from '../../../functions/core/errors.ts';

const URL = 'https://bucket.s3.amazonaws.com/videos/t/video_1.mp4?X-Amz-Signature=abc';
const archive = { key: 'videos/t/video_1.mp4', bytes: 1, contentType: 'video/mp4', sha256: 'x' };

function source(request: Parameters<typeof resolveVideo>[0], extra: Partial<EditSource> = {}): EditSource {
  return { id: 'video_1', state: 'completed', spec: resolveVideo(request).spec, archive, ...extra };
}

function refusal(run: () => unknown): { message: string; param: string | null } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequest);
    return error as InvalidRequest;
  }
  throw new Error('expected a refusal');
}

describe('resolveEdit', () => {
  it('remixes a kept Sora video by OpenAI’s id, at its size, length and price', () => {
    const sora = source(
      { prompt: 'a', model: 'sora-2-pro', seconds: '8', size: '1792x1024', keepAtOpenAI: true },
      { openaiVideoId: 'video_abc' },
    );
    const edit = resolveEdit(sora, { prompt: 'at night', kind: 'remix' }, URL);
    expect(edit).toMatchObject({
      falEndpoint: 'fal-ai/sora-2/video-to-video/remix',
      falInput: { video_id: 'video_abc', prompt: 'at night', delete_video: false },
      spec: {
        model: 'sora-2-pro',
        seconds: '8',
        size: '1792x1024',
        source: { videoId: 'video_1', kind: 'remix' },
      },
      estimatedCostUsd: 4,
    });
    // the URL of the archive is not sent to Sora
    expect(JSON.stringify(edit.falInput)).not.toContain('amazonaws');
  });

  it('refuses a Sora video that was not kept, saying why, and another model for it', () => {
    const notKept = source({ prompt: 'a', model: 'sora-2' }, { openaiVideoId: 'video_abc' });
    expect(refusal(() => resolveEdit(notKept, { prompt: 'x', kind: 'remix' }, URL))).toMatchObject({
      param: 'video',
      message: expect.stringMatching(/delete_video/),
    });
    const kept = source({ prompt: 'a', model: 'sora-2', keepAtOpenAI: true }, { openaiVideoId: 'video_abc' });
    expect(
      refusal(() => resolveEdit(kept, { prompt: 'x', kind: 'edit', model: 'kling-o3-edit' }, URL)),
    ).toMatchObject({ param: 'model' });
    // OpenAI's dated alias names the same model
    expect(resolveEdit(kept, { prompt: 'x', kind: 'edit', model: 'sora-2-2025-10-06' }, URL).spec.model).toBe(
      'sora-2',
    );
  });

  it('edits any other model’s video with Kling O3 from the archive’s URL, priced per second', () => {
    const veo = source({ prompt: 'a', model: 'veo-3.1', seconds: '6', size: '1280x720' });
    expect(resolveEdit(veo, { prompt: 'snow', kind: 'edit' }, URL)).toMatchObject({
      falEndpoint: 'fal-ai/kling-video/o3/pro/video-to-video/edit',
      falInput: { prompt: 'snow', video_url: URL },
      spec: { model: 'kling-o3-edit', seconds: '6', size: '1280x720' },
      estimatedCostUsd: 1.008,
    });
    const standard = resolveEdit(veo, { prompt: 'snow', kind: 'edit', model: 'kling-o3-standard-edit' }, URL);
    expect(standard.falEndpoint).toBe('fal-ai/kling-video/o3/standard/video-to-video/edit');
  });

  it('holds Kling O3 to 3–10 s and 720 px, and only a completed source', () => {
    const long = source({ prompt: 'a', model: 'seedance-1.5-pro', seconds: '12' });
    expect(refusal(() => resolveEdit(long, { prompt: 'x', kind: 'edit' }, URL)).message).toMatch(
      /3 to 10 seconds/,
    );
    const small = source({ prompt: 'a', model: 'seedance-1.5-pro', seconds: '5', resolution: '480p' });
    expect(refusal(() => resolveEdit(small, { prompt: 'x', kind: 'edit' }, URL)).message).toMatch(/720/);
    // 4k's short side is 2160: within reach
    const uhd = source({ prompt: 'a', model: 'veo-3.1', seconds: '8', resolution: '4k' });
    expect(resolveEdit(uhd, { prompt: 'x', kind: 'edit' }, URL).spec.size).toBe('3840x2160');
    const failed = source({ prompt: 'a' }, { state: 'failed', archive: undefined });
    expect(refusal(() => resolveEdit(failed, { prompt: 'x', kind: 'edit' }, URL)).message).toMatch(/failed/);
  });
});

describe('capabilitiesOf', () => {
  const on = { keepSoraVideos: true, thumbnails: true };
  it('names how each model extends, edits and which images it has', () => {
    const of = (name: string, settings = on) =>
      capabilitiesOf(findModel(name) ?? (undefined as never), settings);
    expect(of('veo-3.1').extend).toEqual({
      method: 'native',
      fal_endpoint: 'fal-ai/veo3.1/extend-video',
      native_seconds: ['7'],
    });
    expect(of('kling-2.5-turbo-pro').extend.method).toBe('last_frame');
    expect(of('sora-2')).toMatchObject({ edit: { method: 'remix' }, thumbnail: 'model', spritesheet: true });
    expect(of('seedance-1.5-pro')).toMatchObject({
      edit: { method: 'video_to_video' },
      thumbnail: 'extracted_frame',
      spritesheet: false,
    });
    // without keeping Sora videos at OpenAI nothing can remix them; without thumbnails there are none
    expect(of('sora-2', { keepSoraVideos: false, thumbnails: false })).toMatchObject({
      edit: null,
      thumbnail: null,
      spritesheet: false,
    });
  });
});
