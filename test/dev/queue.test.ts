import { describe, expect, it } from 'vitest';
import { falFetch, submitOk, submitRaw, waitForCompletion } from '../support/fal-calls.ts';
import { SEEDANCE_T2V, useTestEmulator } from '../support/fal-emulator.ts';
import { waitUntil } from '../support/wait-for.ts';

describe('queue status, result and cancel over raw HTTP', () => {
  const emulator = useTestEmulator({ queueMs: 200, generationMs: 200 });

  it('builds URLs from owner/app only', async () => {
    const cases: [string, string][] = [
      ['fal-ai/sora-2/text-to-video/pro', 'fal-ai/sora-2'],
      ['fal-ai/veo3.1/image-to-video', 'fal-ai/veo3.1'],
      ['fal-ai/kling-video/v2.5-turbo/pro/text-to-video', 'fal-ai/kling-video'],
    ];
    for (const [endpoint, app] of cases) {
      const input = endpoint.includes('image') ? { prompt: 'x', image_url: 'data:,x' } : { prompt: 'x' };
      const { request_id, response_url } = await submitOk(emulator, endpoint, input);
      expect(response_url).toBe(`${emulator.url}/${app}/requests/${request_id}`);
    }
  });

  it('walks IN_QUEUE (position) → IN_PROGRESS (logs) → COMPLETED (metrics); result before the end is 400', async () => {
    const first = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'first' });
    const second = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'second' });
    const queued = await falFetch(`${second.status_url}?logs=1`);
    expect(queued.status).toBe(202);
    expect(await queued.json()).toMatchObject({
      status: 'IN_QUEUE',
      queue_position: 1,
      request_id: second.request_id,
    });

    const early = await falFetch(first.response_url);
    expect(early.status).toBe(400);
    expect(await early.json()).toEqual({ detail: 'Request is still in progress' });

    await waitUntil(() => emulator.request(first.request_id)?.state === 'IN_PROGRESS');
    const running = await falFetch(`${first.status_url}?logs=1`);
    expect(running.status).toBe(202);
    expect(await running.json()).toMatchObject({
      status: 'IN_PROGRESS',
      logs: [expect.objectContaining({ level: 'INFO' })],
    });

    await waitForCompletion(emulator, first.request_id);
    const done = await falFetch(`${first.status_url}?logs=0`);
    expect(done.status).toBe(200);
    const body = (await done.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 'COMPLETED',
      request_id: first.request_id,
      response_url: first.response_url,
      status_url: first.status_url,
      cancel_url: first.cancel_url,
      logs: null,
      metrics: { inference_time: expect.any(Number) },
    });
    const result = await falFetch(first.response_url);
    expect(result.status).toBe(200);
    expect(result.headers.get('x-fal-request-id')).toBe(first.request_id);
  });

  it('answers unknown ids with 404, and cancel with NOT_FOUND', async () => {
    const base = `${emulator.url}/fal-ai/bytedance/requests/0190aaaa-0000-7000-8000-000000000000`;
    expect((await falFetch(`${base}/status`)).status).toBe(404);
    expect((await falFetch(base)).status).toBe(404);
    const cancel = await falFetch(`${base}/cancel`, { method: 'PUT' });
    expect(cancel.status).toBe(404);
    expect(await cancel.json()).toEqual({ status: 'NOT_FOUND' });
  });

  it('a request is only visible under its own app', async () => {
    const { request_id } = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'x' });
    expect((await falFetch(`${emulator.url}/fal-ai/veo3.1/requests/${request_id}/status`)).status).toBe(404);
  });

  it('a start timeout shorter than the queue wait ends in startup_timeout (504, user)', async () => {
    const response = await falFetch(`${emulator.url}/${SEEDANCE_T2V}`, {
      method: 'POST',
      headers: { 'x-fal-request-timeout': '0.05', 'Content-Type': 'application/json' },
      body: '{"prompt":"impatient"}',
    });
    const { request_id, response_url } = (await response.json()) as {
      request_id: string;
      response_url: string;
    };
    const request = await waitForCompletion(emulator, request_id);
    expect(request.startedAt).toBeNull();
    const result = await falFetch(response_url);
    expect(result.status).toBe(504);
    expect(result.headers.get('x-fal-request-timeout-type')).toBe('user');
    expect(await result.json()).toMatchObject({ error_type: 'startup_timeout' });
  });

  it('echoes a caller seed, big ones exactly', async () => {
    const response = await falFetch(`${emulator.url}/fal-ai/veo3.1`, {
      method: 'POST',
      body: '{"prompt":"seeded","seed":12345678901234567890}',
    });
    const { request_id, response_url } = (await response.json()) as {
      request_id: string;
      response_url: string;
    };
    expect((await waitForCompletion(emulator, request_id)).seed).toBe(12345678901234567890n);
    expect(await (await falFetch(response_url)).text()).toContain('"seed":12345678901234567890');
  });

  it('accepts the headers the real client sends', async () => {
    const response = await submitRaw(emulator, SEEDANCE_T2V, { prompt: 'x' });
    expect(response.status).toBe(200);
    const withHeaders = await falFetch(`${emulator.url}/${SEEDANCE_T2V}`, {
      method: 'POST',
      headers: {
        'x-fal-queue-priority': 'low',
        'x-fal-runner-hint': 'abc',
        'x-fal-no-retry': '1',
        'x-fal-object-lifecycle-preference': '{"expiration_duration_seconds": 60}',
      },
      body: '{"prompt":"x"}',
    });
    expect(withHeaders.status).toBe(200);
  });
});
