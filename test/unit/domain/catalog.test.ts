import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, MODELS, resolveVideo } from '../../../functions/core/domain/catalog/index.ts';
import { dimensions } from '../../../functions/core/domain/catalog/sizes.ts';
import { InvalidRequest } from '../../../functions/core/errors.ts';

function rejection(run: () => unknown): InvalidRequest {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidRequest) return error;
    throw error;
  }
  throw new Error('expected a 400');
}

describe('model catalog', () => {
  it('offers the five models the design names, Seedance by default', () => {
    expect(MODELS.map((m) => m.name)).toEqual([
      'seedance-1.5-pro',
      'sora-2',
      'sora-2-pro',
      'kling-2.5-turbo-pro',
      'veo-3.1',
    ]);
    expect(DEFAULT_MODEL).toBe('seedance-1.5-pro');
  });

  it('maps an OpenAI-shaped request onto Seedance text-to-video with the safety checker on', () => {
    const r = resolveVideo({ prompt: 'p', seconds: '8', size: '720x1280' });
    expect(r.falEndpoint).toBe('fal-ai/bytedance/seedance/v1.5/pro/text-to-video');
    expect(r.falInput).toEqual({
      prompt: 'p',
      duration: '8',
      resolution: '720p',
      aspect_ratio: '9:16',
      generate_audio: true,
      enable_safety_checker: true,
    });
  });

  it('chooses image-to-video when an image is given', () => {
    const r = resolveVideo({
      prompt: 'p',
      model: 'kling-2.5-turbo-pro',
      imageUrl: 'https://example.com/a.png',
    });
    expect(r.falEndpoint).toBe('fal-ai/kling-video/v2.5-turbo/pro/image-to-video');
    expect(r.falInput).toEqual({ prompt: 'p', duration: '5', image_url: 'https://example.com/a.png' });
  });

  it("writes each model's duration the way its fal schema takes it", () => {
    expect(resolveVideo({ prompt: 'p', model: 'sora-2', seconds: '8' }).falInput.duration).toBe('8');
    expect(resolveVideo({ prompt: 'p', model: 'veo-3.1', seconds: '6' }).falInput.duration).toBe('6s');
    expect(resolveVideo({ prompt: 'p', model: 'kling-2.5-turbo-pro', seconds: '10' }).falInput.duration).toBe(
      '10',
    );
  });

  it('maps Sora 2 Pro sizes onto its fal resolutions', () => {
    expect(resolveVideo({ prompt: 'p', model: 'sora-2-pro', size: '1792x1024' }).falInput).toMatchObject({
      resolution: '1080p',
      aspect_ratio: '16:9',
    });
    expect(resolveVideo({ prompt: 'p', model: 'sora-2-pro', size: '1080x1920' }).falInput).toMatchObject({
      resolution: 'true_1080p',
      aspect_ratio: '9:16',
    });
  });

  it('accepts resolution and aspect_ratio instead of size, and reports the size they make', () => {
    const r = resolveVideo({ prompt: 'p', model: 'veo-3.1', resolution: '4k', aspectRatio: '9:16' });
    expect(r.spec.size).toBe('2160x3840');
    expect(r.falInput).toMatchObject({ resolution: '4k', aspect_ratio: '9:16' });
  });

  it('accepts OpenAI’s dated Sora snapshots as aliases and reports the model’s own name', () => {
    expect(resolveVideo({ prompt: 'p', model: 'sora-2-2025-10-06' }).spec.model).toBe('sora-2');
    expect(resolveVideo({ prompt: 'p', model: 'sora-2-pro-2025-10-06' }).falEndpoint).toBe(
      'fal-ai/sora-2/text-to-video/pro',
    );
  });

  it('rejects seconds a model does not offer, listing the allowed values', () => {
    const error = rejection(() => resolveVideo({ prompt: 'p', model: 'sora-2', seconds: '5' }));
    expect(error).toMatchObject({ kind: 'invalid_request', param: 'seconds' });
    expect(error.message).toContain('4, 8, 12, 16, 20');
  });

  it('rejects an unknown model, listing the catalog', () => {
    const error = rejection(() => resolveVideo({ prompt: 'p', model: 'sora-3' }));
    expect(error).toMatchObject({ kind: 'invalid_request', param: 'model' });
    expect(error.message).toContain('seedance-1.5-pro, sora-2, sora-2-pro, kling-2.5-turbo-pro, veo-3.1');
  });

  it('rejects a size the model cannot make, listing its sizes', () => {
    const error = rejection(() => resolveVideo({ prompt: 'p', model: 'sora-2', size: '1920x1080' }));
    expect(error).toMatchObject({ kind: 'invalid_request', param: 'size' });
    expect(error.message).toContain('1280x720, 720x1280');
  });

  it('rejects a size that contradicts an explicit resolution', () => {
    expect(
      rejection(() => resolveVideo({ prompt: 'p', size: '1280x720', resolution: '1080p' })),
    ).toMatchObject({
      param: 'resolution',
    });
  });

  it('rejects options a model does not have', () => {
    expect(rejection(() => resolveVideo({ prompt: 'p', model: 'sora-2', seed: 4 }))).toMatchObject({
      param: 'seed',
    });
    expect(rejection(() => resolveVideo({ prompt: 'p', negativePrompt: 'blur' }))).toMatchObject({
      param: 'negative_prompt',
    });
    expect(
      rejection(() => resolveVideo({ prompt: 'p', model: 'kling-2.5-turbo-pro', generateAudio: false })),
    ).toMatchObject({
      param: 'generate_audio',
    });
  });

  it('allows aspect_ratio auto only with an image', () => {
    expect(rejection(() => resolveVideo({ prompt: 'p', aspectRatio: 'auto' }))).toMatchObject({
      param: 'aspect_ratio',
    });
    const r = resolveVideo({ prompt: 'p', aspectRatio: 'auto', imageUrl: 'https://example.com/a.png' });
    expect(r.spec.size).toBe('auto');
    expect(r.falInput.aspect_ratio).toBe('auto');
  });

  it('enforces each model’s prompt length', () => {
    expect(rejection(() => resolveVideo({ prompt: 'x'.repeat(2_001) }))).toMatchObject({ param: 'prompt' });
    expect(resolveVideo({ prompt: 'x'.repeat(2_001), model: 'sora-2' }).spec.prompt).toHaveLength(2_001);
  });

  describe('cost estimates', () => {
    it('prices Seedance by tokens: 720p, 5 s, with audio is about $0.26', () => {
      expect(resolveVideo({ prompt: 'p', seconds: '5' }).estimatedCostUsd).toBeCloseTo(0.2592, 4);
      expect(resolveVideo({ prompt: 'p', seconds: '5', generateAudio: false }).estimatedCostUsd).toBeCloseTo(
        0.1296,
        4,
      );
    });
    it('prices per second for Sora, Sora Pro by resolution, Veo by audio', () => {
      expect(resolveVideo({ prompt: 'p', model: 'sora-2', seconds: '12' }).estimatedCostUsd).toBeCloseTo(1.2);
      expect(resolveVideo({ prompt: 'p', model: 'sora-2-pro', seconds: '4' }).estimatedCostUsd).toBeCloseTo(
        1.2,
      );
      expect(
        resolveVideo({ prompt: 'p', model: 'sora-2-pro', seconds: '4', size: '1792x1024' }).estimatedCostUsd,
      ).toBeCloseTo(2.0);
      expect(resolveVideo({ prompt: 'p', model: 'veo-3.1', seconds: '8' }).estimatedCostUsd).toBeCloseTo(3.2);
      expect(
        resolveVideo({ prompt: 'p', model: 'veo-3.1', seconds: '8', generateAudio: false }).estimatedCostUsd,
      ).toBeCloseTo(1.6);
    });
    it('prices Kling at $0.35 for 5 s and $0.07 per further second', () => {
      expect(
        resolveVideo({ prompt: 'p', model: 'kling-2.5-turbo-pro', seconds: '10' }).estimatedCostUsd,
      ).toBeCloseTo(0.7);
    });
  });

  it('computes frame sizes with even dimensions', () => {
    expect(dimensions('720p', '16:9')).toBe('1280x720');
    expect(dimensions('480p', '16:9')).toBe('854x480');
    expect(dimensions('720p', '21:9')).toBe('1680x720');
    expect(dimensions('1080p', '3:4')).toBe('1080x1440');
  });
});
