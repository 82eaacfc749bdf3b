import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VideoObject } from '../../../functions/core/domain/video-object.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';
import { waitUntil } from '../../support/wait-until.ts';

/** The emulator bills seconds of video at its own price per endpoint (dev/fal-emulator/billing.ts). */
const SEEDANCE_PER_SECOND = 0.05;

describe('actual cost from fal’s billable units', () => {
  let stack: TestStack;
  const spent = async () => (await stack.deps.usage.get({ tenant: 'local' })).spentMicros;
  const finished = async (body: Record<string, unknown>): Promise<VideoObject> => {
    const created = await stack.createVideo(body);
    await stack.settle(created.id);
    return (await stack.api(`/v1/videos/${created.id}`)).json();
  };

  beforeAll(async () => {
    stack = await startTestStack({ env: { REELAY_ACTUAL_COST: 'fal' } });
  });
  afterAll(() => stack.close());

  it('shows cost_usd beside the estimate, and settles the budget on it', async () => {
    const before = await spent();
    const created = await stack.createVideo({ prompt: 'a dog in a park', seconds: '4' });
    expect(created.cost_usd).toBeNull();
    expect(await spent()).toBe(before + Math.round(created.estimated_cost_usd * 1e6));
    await stack.settle(created.id);
    const video: VideoObject = await (await stack.api(`/v1/videos/${created.id}`)).json();
    expect(video).toMatchObject({
      status: 'completed',
      estimated_cost_usd: created.estimated_cost_usd,
      cost_usd: 4 * SEEDANCE_PER_SECOND,
      cost_basis: 'actual',
    });
    expect(video.cost_usd).not.toBe(video.estimated_cost_usd);
    expect(video.fal_costs).toEqual([
      {
        request_id: (await stack.job(video.id)).requestId,
        endpoint: 'fal-ai/bytedance/seedance/v1.5/pro/text-to-video',
        billed: true,
        units: 4,
        unit_price_usd: SEEDANCE_PER_SECOND,
        cost_usd: 0.2,
      },
    ]);
    // the day's budget now holds what fal billed, not the estimate
    await waitUntil(spent, (micros) => micros === before + 200_000);
  });

  it('records every request of a job: a failed attempt is not billed, the retry is', async () => {
    stack.emulator?.injectFault({
      on: 'generation',
      error: 'internal_server_error',
      times: 1,
      match: { promptIncludes: 'second try' },
    });
    const before = await spent();
    const video = await finished({ prompt: 'a second try', seconds: '8' });
    expect(video.fal_costs?.map((c) => [c.billed, c.units, c.cost_usd])).toEqual([
      [false, 0, 0],
      [true, 8, 0.4],
    ]);
    expect(video).toMatchObject({ cost_usd: 0.4, cost_basis: 'actual' });
    // the budget settles on what fal billed just after the job's last write; the next test starts from there
    await waitUntil(spent, (micros) => micros === before + 400_000);
  });

  it('where fal reports no units the estimate stands, and the video says so', async () => {
    const before = await spent();
    const video = await finished({ prompt: 'a kite [fal:no_billable_units]', seconds: '4' });
    expect(video).toMatchObject({ cost_usd: video.estimated_cost_usd, cost_basis: 'estimate' });
    expect(video.fal_costs?.[0]).toMatchObject({ billed: true, units: null, cost_usd: null });
    const settled = before + Math.round(video.estimated_cost_usd * 1e6);
    expect(await waitUntil(spent, (micros) => micros === settled)).toBe(settled);
  });

  it('a video fal never made cost nothing', async () => {
    const before = await spent();
    const video = await finished({ prompt: 'a fox [fal:content_policy_violation]', seconds: '4' });
    expect(video).toMatchObject({ status: 'failed', cost_usd: 0, cost_basis: 'not_billed' });
    await waitUntil(spent, (micros) => micros === before);
  });

  it('statistics compare estimated and actual spend', async () => {
    // each job is counted just after its completing write: wait for all four
    const { total } = await waitUntil(
      async () => (await stack.api('/v1/stats')).json(),
      (stats) => stats.total.jobs === 4,
    );
    expect(total.spend).toMatchObject({ actual_usd: 0.6, jobs_with_actual_cost: 2 });
    expect(total.spend.estimated_usd).toBeGreaterThan(total.spend.estimated_usd_of_jobs_with_actual_cost);
  });

  it('a job that moved to a fallback model is costed at each request’s own endpoint', async () => {
    const seedance = 'fal-ai/bytedance/seedance/v1.5/pro/text-to-video';
    stack.emulator?.injectFault({
      on: 'generation',
      error: 'internal_server_error',
      times: 3,
      match: { endpoint: seedance, promptIncludes: 'moving kite' },
    });
    const video = await finished({ prompt: 'a moving kite', seconds: '4', fallback_models: ['sora-2'] });
    expect(video).toMatchObject({ model: 'sora-2', cost_usd: 0.4, cost_basis: 'actual' });
    expect(video.fal_costs?.map((c) => [c.endpoint, c.billed, c.cost_usd])).toEqual([
      [seedance, false, 0],
      [seedance, false, 0],
      [seedance, false, 0],
      ['fal-ai/sora-2/text-to-video', true, 0.4],
    ]);
  });

  it('a parallel sequence’s video shows, measures and settles its scenes with its merge', async () => {
    const before = await spent();
    const response = await stack.api('/v1/sequences', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        scenes: [
          { prompt: 'a quiet dawn', seconds: '4' },
          { prompt: 'a busy noon', seconds: '4' },
          { prompt: 'a red dusk', seconds: '4' },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const sequence = await response.json();
    await stack.settle(sequence.video_id);
    const parent = await stack.job(sequence.video_id);
    const sceneRequests = await Promise.all(
      (parent.sceneIds ?? []).map(async (id) => (await stack.job(id)).requestId),
    );
    const video: VideoObject = await (await stack.api(`/v1/videos/${sequence.video_id}`)).json();
    // the video estimates what the sequence does, not only its merge
    expect(video.estimated_cost_usd).toBe(sequence.estimated_cost_usd);
    expect(video.estimated_cost_usd).toBeGreaterThan(parent.estimatedCostUsd);
    // the merge's request and every scene's, each at what fal billed
    expect(video.fal_costs?.map((c) => c.request_id)).toEqual([parent.requestId, ...sceneRequests]);
    expect(video.fal_costs?.map((c) => c.cost_usd)).toEqual([0.0005, 0.2, 0.2, 0.2]);
    expect(video).toMatchObject({ cost_basis: 'actual', cost_usd: 0.6005 });
    // the day's budget holds what fal billed for the whole sequence, once
    await waitUntil(spent, (micros) => micros === before + 600_500);
  });

  it('other sizes and models are priced from fal’s own unit price', async () => {
    const video = await finished({ prompt: 'a boat', model: 'sora-2', seconds: '8', size: '1280x720' });
    expect(video).toMatchObject({ cost_usd: 0.8, cost_basis: 'actual' });
  });
});
