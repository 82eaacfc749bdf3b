import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMicros } from '../../functions/core/domain/limits.ts';
import type { VideoObject } from '../../functions/core/domain/video-object.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';
import { waitUntil } from '../support/wait-until.ts';

const SEEDANCE = 'fal-ai/bytedance/seedance/v1.5/pro/text-to-video';

describe('fallback models', () => {
  let stack: TestStack;
  const spent = async () => (await stack.deps.usage.get({ tenant: 'local' })).spentMicros;
  const submitsTo = (prefix: string) =>
    Object.entries(stack.emulator?.stats().submitsByEndpoint ?? {})
      .filter(([endpoint]) => endpoint.startsWith(prefix))
      .reduce((sum, [, count]) => sum + count, 0);
  const failSeedance = (tag: string) =>
    stack.emulator?.injectFault({
      on: 'generation',
      error: 'internal_server_error',
      times: 2,
      match: { endpoint: SEEDANCE, promptIncludes: tag },
    });
  const finish = async (body: Record<string, unknown>): Promise<VideoObject> => {
    const created = await stack.createVideo(body);
    await stack.settle(created.id);
    return (await stack.api(`/v1/videos/${created.id}`)).json();
  };
  const post = (body: Record<string, unknown>) =>
    stack.api('/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    stack = await startTestStack({
      env: { REELAY_MAX_GENERATION_ATTEMPTS: '2', REELAY_MAX_SUBMIT_ATTEMPTS: '1' },
    });
  });
  afterAll(() => stack.close());

  it('is taken when the model fails retryably past its attempts, within a re-reserved budget', async () => {
    failSeedance('fallback one');
    const before = await spent();
    const sora = submitsTo('fal-ai/sora-2/');
    const video = await finish({ prompt: 'a fallback one', seconds: '4', fallback_models: ['sora-2'] });
    expect(video).toMatchObject({ status: 'completed', model: 'sora-2', fallback_models: ['sora-2'] });
    expect(video.models_tried).toEqual([
      { model: 'seedance-1.5-pro', reason: expect.stringMatching(/^provider_error: /), skipped: false },
    ]);
    expect(submitsTo('fal-ai/sora-2/') - sora).toBe(1);
    expect((await stack.job(video.id)).priorRequestIds).toHaveLength(2);
    // the reservation grew to the fallback's estimate, and fal's video keeps it
    expect(video.estimated_cost_usd).toBe(0.4);
    // settled just after the job's last write
    expect(await waitUntil(spent, (micros) => micros === before + toMicros(0.4))).toBe(
      before + toMicros(0.4),
    );
  });

  it('is taken when fal will not accept the model’s endpoint', async () => {
    stack.emulator?.injectFault({
      on: 'submit',
      status: 503,
      times: 1,
      match: { endpoint: SEEDANCE, promptIncludes: 'refused' },
    });
    const video = await finish({ prompt: 'a refused kite', seconds: '4', fallback_models: ['veo-3.1'] });
    expect(video).toMatchObject({ status: 'completed', model: 'veo-3.1' });
    expect(video.models_tried).toEqual([
      { model: 'seedance-1.5-pro', reason: expect.stringMatching(/^provider_unavailable: /), skipped: false },
    ]);
    expect((await stack.job(video.id)).priorRequestIds).toEqual([]);
  });

  it('is never taken on a content-policy failure', async () => {
    const sora = submitsTo('fal-ai/sora-2/');
    const before = await spent();
    const video = await finish({
      prompt: 'a fox [fal:content_policy_violation]',
      seconds: '4',
      fallback_models: ['sora-2'],
    });
    expect(video).toMatchObject({
      status: 'failed',
      model: 'seedance-1.5-pro',
      error: { code: 'content_policy_violation' },
    });
    expect(video.models_tried).toBeUndefined();
    expect(submitsTo('fal-ai/sora-2/')).toBe(sora);
    // the refund follows the failing write
    expect(await waitUntil(spent, (micros) => micros === before)).toBe(before);
  });

  it('skips a model that cannot take the video, saying why, and maps seconds and size', async () => {
    failSeedance('fallback two');
    const video = await finish({
      prompt: 'a fallback two',
      seconds: '12',
      size: '1280x720',
      fallback_models: ['kling-2.5-turbo-pro', 'sora-2'],
    });
    expect(video).toMatchObject({ status: 'completed', model: 'sora-2', seconds: '12', size: '1280x720' });
    expect(video.models_tried?.map((t) => [t.model, t.skipped])).toEqual([
      ['seedance-1.5-pro', false],
      ['kling-2.5-turbo-pro', true],
    ]);
    expect(video.models_tried?.[1]?.reason).toContain('at most 10 seconds');
    // a longer duration is mapped up, never down
    failSeedance('fallback three');
    const mapped = await finish({
      prompt: 'a fallback three',
      seconds: '6',
      fallback_models: ['kling-2.5-turbo-pro'],
    });
    expect(mapped).toMatchObject({
      status: 'completed',
      model: 'kling-2.5-turbo-pro',
      seconds: '10',
      size: '1920x1080',
    });
  });

  it('is skipped when the budget cannot cover a dearer model, and the job fails saying so', async () => {
    const room = await spent();
    await stack.deps.tenants.setLimits('local', { dailyBudgetUsd: (room + toMicros(0.5)) / 1e6 });
    try {
      failSeedance('fallback four');
      const before = await spent();
      const video = await finish({
        prompt: 'a fallback four',
        seconds: '4',
        fallback_models: ['sora-2-pro'],
      });
      expect(video).toMatchObject({
        status: 'failed',
        model: 'seedance-1.5-pro',
        error: { code: 'provider_error' },
      });
      expect(video.models_tried?.map((t) => [t.model, t.skipped])).toEqual([
        ['seedance-1.5-pro', false],
        ['sora-2-pro', true],
      ]);
      expect(video.models_tried?.[1]?.reason).toContain('budget');
      // nothing stays reserved: the failed job's estimate went back (just after its failing write), and no extra was kept
      expect(await waitUntil(spent, (micros) => micros === before)).toBe(before);
    } finally {
      await stack.deps.tenants.setLimits('local', { dailyBudgetUsd: 100_000 });
    }
  });

  it('checks fallback_models at create', async () => {
    for (const fallback of [
      ['nope'],
      ['seedance-1.5-pro'],
      ['sora-2', 'sora-2'],
      ['sora-2', 'veo-3.1', 'sora-2-pro', 'kling-2.5-turbo-pro'],
      [''],
      'x'.repeat(201),
    ]) {
      const response = await post({ prompt: 'a fox', fallback_models: fallback });
      expect(response.status, JSON.stringify(fallback)).toBe(400);
      expect((await response.json()).error.param).toMatch(/^fallback_models/);
    }
    const form = new FormData();
    form.set('prompt', 'a multipart fox');
    form.set('seconds', '4');
    form.set('fallback_models', 'sora-2, veo-3.1');
    const response = await stack.api('/v1/videos', { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect((await response.json()).fallback_models).toEqual(['sora-2', 'veo-3.1']);
  });
});
