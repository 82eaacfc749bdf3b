import { ApiError, ValidationError } from '@fal-ai/client';
import { describe, expect, it } from 'vitest';
import { falClientFor, waitForCompletion } from '../support/fal-calls.ts';
import { SEEDANCE_T2V, useTestEmulator } from '../support/fal-emulator.ts';
import { startReceiver } from '../support/webhook-receiver.ts';

describe('the real @fal-ai/client against the emulator', () => {
  const emulator = useTestEmulator({ queueMs: 150, generationMs: 250 });

  it('submits, polls status 202 then 200, and fetches the result', async () => {
    const { client, calls } = falClientFor(emulator);
    const receiver = await startReceiver();
    try {
      const submitted = await client.queue.submit(SEEDANCE_T2V, {
        input: { prompt: 'a lighthouse at dusk', duration: '5' },
        webhookUrl: receiver.url,
      });
      expect(submitted.status).toBe('IN_QUEUE');
      expect(submitted.request_id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(submitted.response_url).toBe(
        `${emulator.url}/fal-ai/bytedance/requests/${submitted.request_id}`,
      );
      expect(submitted.status_url).toBe(`${submitted.response_url}/status`);
      expect(submitted.cancel_url).toBe(`${submitted.response_url}/cancel`);
      expect(submitted.queue_position).toBe(0);

      const first = await client.queue.status(SEEDANCE_T2V, { requestId: submitted.request_id, logs: true });
      expect(first.status).toBe('IN_QUEUE');
      const done = await client.queue.subscribeToStatus(SEEDANCE_T2V, {
        requestId: submitted.request_id,
        logs: true,
        pollInterval: 50,
      });
      expect(done.status).toBe('COMPLETED');
      expect(done).toMatchObject({ metrics: { inference_time: expect.any(Number) } });

      const statusCodes = calls.filter((call) => call.url.includes('/status')).map((call) => call.status);
      expect(statusCodes[0]).toBe(202);
      expect(statusCodes.at(-1)).toBe(200);
      expect(statusCodes.slice(0, -1).every((code) => code === 202)).toBe(true);
      const submitCall = calls.find((call) => call.method === 'POST');
      expect(submitCall?.url).toBe(
        `${emulator.url}/${SEEDANCE_T2V}?fal_webhook=${encodeURIComponent(receiver.url)}`,
      );

      const result = await client.queue.result(SEEDANCE_T2V, { requestId: submitted.request_id });
      expect(result.requestId).toBe(submitted.request_id);
      const data = result.data as { seed: number; video: Record<string, unknown> };
      expect(typeof data.seed).toBe('number');
      expect(data.video).toMatchObject({ content_type: 'video/mp4', file_name: 'output.mp4' });
      expect(data.video.url).toBe(emulator.request(submitted.request_id)?.videoUrl);
      const bytes = Buffer.from(await (await fetch(String(data.video.url))).arrayBuffer());
      expect(bytes.length).toBe(data.video.file_size);
      await receiver.waitFor(1);
    } finally {
      await receiver.close();
    }
  });

  it('cancels a queued request, then reports it completed', async () => {
    const { client } = falClientFor(emulator);
    emulator.setGenerationMs(5_000);
    const { request_id } = await client.queue.submit('fal-ai/veo3.1', { input: { prompt: 'slow clouds' } });
    emulator.setGenerationMs(250);
    await client.queue.cancel('fal-ai/veo3.1', { requestId: request_id });
    const request = await waitForCompletion(emulator, request_id);
    expect(request.outcome).toBe('cancelled');
    expect(emulator.stats().cancels).toBe(1);
    const status = await client.queue.status('fal-ai/veo3.1', { requestId: request_id });
    expect(status.status).toBe('COMPLETED');
    // A second cancel is too late: the client surfaces fal's 400 ALREADY_COMPLETED.
    const again = await client.queue
      .cancel('fal-ai/veo3.1', { requestId: request_id })
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ApiError);
    expect((again as ApiError<unknown>).status).toBe(400);
    expect((again as ApiError<unknown>).body).toEqual({ status: 'ALREADY_COMPLETED' });
  });

  it('uploads a file through storage and serves it from the CDN', async () => {
    const { client } = falClientFor(emulator);
    const bytes = Buffer.from('\x89PNG\r\n\x1a\n not really a png but bytes all the same', 'latin1');
    const url = await client.storage.upload(new Blob([bytes], { type: 'image/png' }));
    expect(url.startsWith(`${emulator.url}/files/`)).toBe(true);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    expect(emulator.stats().uploads).toBe(1);
  });

  it('surfaces submit validation as the client ValidationError with pydantic field errors', async () => {
    const { client } = falClientFor(emulator);
    // Deliberately outside the typed schema: fal's validation, not TypeScript, must catch it.
    const input = { prompt: 'x', duration: '7' as '8' };
    const error = await client.queue
      .submit('fal-ai/sora-2/text-to-video', { input })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).getFieldErrors('duration')[0]?.type).toBe('value_error.const');
  });

  it('surfaces a missing key as 401 (the client sends none without credentials)', async () => {
    const response = await fetch(`${emulator.url}/${SEEDANCE_T2V}`, {
      method: 'POST',
      body: '{"prompt":"x"}',
    });
    expect(response.status).toBe(401);
  });
});
