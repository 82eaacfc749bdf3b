import type { Hono } from 'hono';
import type { EmulatorContext, EmulatorEnv } from './context.ts';
import { jsonResponse } from './json.ts';
import { falAuth } from './routes/auth.ts';

/** A prompt holding this gets a result without `x-fal-billable-units` (fal does not say for every model). */
export const NO_BILLABLE_UNITS = '[fal:no_billable_units]';

/** fal's ffmpeg helpers bill compute time, not seconds of video: a fraction of a cent per call. */
const isFfmpeg = (endpoint: string) => endpoint.startsWith('fal-ai/ffmpeg-api/');

/**
 * The emulator's prices, per second of video (fal's `video_second` unit), or per compute second for
 * the ffmpeg helpers (each call bills one unit, outputs.ts): its own numbers, near the catalog's estimates but not equal, so estimated and
 * actual spend can be told apart.
 */
export function emulatedUnitPrice(endpoint: string): number {
  if (isFfmpeg(endpoint)) return 0.0005;
  if (endpoint.startsWith('fal-ai/sora-2/')) return endpoint.endsWith('/pro') ? 0.3 : 0.1;
  if (endpoint.startsWith('fal-ai/veo3.1')) return 0.2;
  if (endpoint.startsWith('fal-ai/kling-video/')) return 0.07;
  return 0.05;
}

/** Units billed for a successful request: the seconds of video asked for (`"4"`, `"8s"`, 8); undefined when it says none. */
export function emulatedBillableUnits(input: Record<string, unknown>): number | undefined {
  if (typeof input.prompt === 'string' && input.prompt.includes(NO_BILLABLE_UNITS)) return undefined;
  const seconds = Number.parseFloat(String(input.duration ?? '5'));
  return Number.isFinite(seconds) ? seconds : 5;
}

/** fal's platform pricing API: `GET /v1/models/pricing?endpoint_id=…` (one or several, comma-separated). */
export function registerPricing(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  app.get('/v1/models/pricing', falAuth(ctx.apiKey), (c) => {
    const ids = c.req
      .queries('endpoint_id')
      ?.flatMap((value) => value.split(','))
      .filter(Boolean);
    if (!ids || ids.length === 0 || ids.length > 50)
      return jsonResponse(422, {
        detail: [{ loc: ['query', 'endpoint_id'], msg: 'give 1 to 50 endpoint ids', type: 'value_error' }],
      });
    const prices = ids.map((id) => ({
      endpoint_id: id,
      unit_price: emulatedUnitPrice(id),
      unit: isFfmpeg(id) ? 'compute_second' : 'second',
      currency: 'USD',
    }));
    return jsonResponse(200, { prices, next_cursor: null, has_more: false });
  });
}
