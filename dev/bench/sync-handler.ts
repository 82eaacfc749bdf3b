import { createFalClient } from '@fal-ai/client';
import { Hono } from 'hono';
import { rewriteFalHosts } from '../../functions/core/fal/client/fal-gateway.ts';

const ENDPOINT = 'fal-ai/bytedance/seedance/v1.5/pro/text-to-video';

/**
 * The synchronous pattern Reelay replaces: `POST /videos` holds its request (and its worker) open
 * on `fal.subscribe`, polling fal every `pollIntervalMs`, and answers with the video once done.
 */
export function createSyncApp(falUrl: string, pollIntervalMs: number) {
  const fal = createFalClient({
    credentials: 'bench-key',
    requestMiddleware: rewriteFalHosts(falUrl, falUrl),
  });
  const app = new Hono();
  app.post('/videos', async (c) => {
    const { prompt } = await c.req.json<{ prompt: string }>();
    const { data } = await fal.subscribe(ENDPOINT, {
      input: { prompt, duration: '5' },
      pollInterval: pollIntervalMs,
      mode: 'polling',
    });
    return c.json({ status: 'completed', video: (data as { video?: { url?: string } }).video?.url });
  });
  return app;
}
