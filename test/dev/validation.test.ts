import { describe, expect, it } from 'vitest';
import { submitRaw } from '../support/fal-calls.ts';
import { SEEDANCE_T2V, startTestEmulator, useTestEmulator } from '../support/fal-emulator.ts';

describe('submit validation like the real models', () => {
  const emulator = useTestEmulator();

  const detailOf = async (response: Response) => ((await response.json()) as { detail: unknown }).detail;

  it('Seedance: missing prompt is value_error.missing', async () => {
    const response = await submitRaw(emulator, SEEDANCE_T2V, { duration: '5' });
    expect(response.status).toBe(422);
    expect(await detailOf(response)).toEqual([
      { loc: ['body', 'prompt'], msg: 'field required', type: 'value_error.missing' },
    ]);
  });

  it('Seedance: a bad literal reports what is permitted', async () => {
    const response = await submitRaw(emulator, SEEDANCE_T2V, { prompt: 'x', resolution: '4k' });
    expect(response.status).toBe(422);
    expect(await detailOf(response)).toEqual([
      {
        loc: ['body', 'resolution'],
        msg: "unexpected value; permitted: '480p', '720p', '1080p'",
        type: 'value_error.const',
        ctx: { given: '4k', permitted: ['480p', '720p', '1080p'] },
      },
    ]);
  });

  it('Sora 2: takes duration as number or string, rejects others', async () => {
    expect(
      (await submitRaw(emulator, 'fal-ai/sora-2/text-to-video', { prompt: 'x', duration: 8 })).status,
    ).toBe(200);
    expect(
      (await submitRaw(emulator, 'fal-ai/sora-2/text-to-video', { prompt: 'x', duration: '12' })).status,
    ).toBe(200);
    const response = await submitRaw(emulator, 'fal-ai/sora-2/text-to-video', { prompt: 'x', duration: 5 });
    expect(response.status).toBe(422);
    expect(await detailOf(response)).toMatchObject([
      { loc: ['body', 'duration'], type: 'value_error.const' },
    ]);
  });

  it('Sora 2 Pro: accepts true_1080p that plain Sora 2 refuses', async () => {
    const input = { prompt: 'x', resolution: 'true_1080p' };
    expect((await submitRaw(emulator, 'fal-ai/sora-2/text-to-video/pro', input)).status).toBe(200);
    expect((await submitRaw(emulator, 'fal-ai/sora-2/text-to-video', input)).status).toBe(422);
  });

  it('Kling: wrong types and out-of-range numbers, every field reported', async () => {
    const response = await submitRaw(emulator, 'fal-ai/kling-video/v2.5-turbo/pro/text-to-video', {
      prompt: 42,
      duration: 5,
      cfg_scale: 3,
    });
    expect(response.status).toBe(422);
    expect(await detailOf(response)).toEqual([
      { loc: ['body', 'prompt'], msg: 'str type expected', type: 'type_error.str' },
      expect.objectContaining({ loc: ['body', 'duration'], type: 'value_error.const' }),
      {
        loc: ['body', 'cfg_scale'],
        msg: 'ensure this value is less than or equal to 1',
        type: 'value_error.number.not_le',
        ctx: { limit_value: 1 },
      },
    ]);
  });

  it('Veo 3.1: bad bool and bad integer seed', async () => {
    const response = await submitRaw(emulator, 'fal-ai/veo3.1', {
      prompt: 'x',
      generate_audio: 'maybe',
      seed: 'abc',
      duration: '8s',
    });
    expect(response.status).toBe(422);
    expect(await detailOf(response)).toEqual([
      {
        loc: ['body', 'generate_audio'],
        msg: 'value could not be parsed to a boolean',
        type: 'type_error.bool',
      },
      { loc: ['body', 'seed'], msg: 'value is not a valid integer', type: 'type_error.integer' },
    ]);
  });

  it('image-to-video endpoints require image_url', async () => {
    for (const id of [
      'fal-ai/bytedance/seedance/v1.5/pro/image-to-video',
      'fal-ai/sora-2/image-to-video',
      'fal-ai/sora-2/image-to-video/pro',
      'fal-ai/kling-video/v2.5-turbo/pro/image-to-video',
      'fal-ai/veo3.1/image-to-video',
    ]) {
      const response = await submitRaw(emulator, id, { prompt: 'x' });
      expect(response.status).toBe(422);
      expect(await detailOf(response)).toEqual([
        { loc: ['body', 'image_url'], msg: 'field required', type: 'value_error.missing' },
      ]);
    }
  });

  it('a body that is not JSON is a jsondecode error; an unknown model is 404', async () => {
    const bad = await fetch(`${emulator.url}/${SEEDANCE_T2V}`, {
      method: 'POST',
      headers: { Authorization: 'Key k' },
      body: '{not json',
    });
    expect(bad.status).toBe(422);
    expect(await detailOf(bad)).toMatchObject([{ loc: ['body', 0], type: 'value_error.jsondecode' }]);
    expect((await submitRaw(emulator, 'fal-ai/no-such-model', { prompt: 'x' })).status).toBe(404);
  });

  it('a fal_webhook that is not an http(s) URL is refused', async () => {
    const response = await submitRaw(emulator, SEEDANCE_T2V, { prompt: 'x' }, 'ftp://example.com/hook');
    expect(response.status).toBe(422);
  });

  it('counts refused submits', () => {
    const stats = emulator.stats();
    expect(stats.rejectedSubmits).toBeGreaterThanOrEqual(13);
    expect(stats.submits).toBe(3);
  });

  it('enforces an exact key when apiKey is set', async () => {
    const strict = await startTestEmulator({ apiKey: 'right' });
    try {
      const submit = (auth?: string) =>
        fetch(`${strict.url}/${SEEDANCE_T2V}`, {
          method: 'POST',
          headers: auth ? { Authorization: auth } : {},
          body: '{"prompt":"x"}',
        });
      expect((await submit()).status).toBe(401);
      expect((await submit('Key wrong')).status).toBe(401);
      expect((await submit('Bearer right')).status).toBe(401);
      expect((await submit('Key right')).status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});
