import type { Hono } from 'hono';
import type { EmulatorContext, EmulatorEnv } from '../context.ts';
import { jsonResponse } from '../json.ts';
import { authError } from './auth.ts';

/** A prompt that carries this is flagged by the emulated moderation model. */
export const MODERATION_FLAG = '[moderation:flag]';

/**
 * fal's synchronous host (`https://fal.run/<endpoint>`) for `openrouter/router` only, as
 * `/run/openrouter/router`: an LLM that answers Reelay's moderation question. It flags a prompt that
 * holds `[moderation:flag]` and allows everything else; `[moderation:garbled]` gets an answer that
 * is not the JSON asked for, and `[moderation:down]` a 503.
 */
export function registerRun(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  app.post('/run/openrouter/router', async (c) => {
    const denied = authError(c.req.header('authorization'), ctx.apiKey);
    if (denied) return denied;
    ctx.stats.runs += 1;
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return jsonResponse(422, {
        detail: [{ loc: ['body'], msg: 'Invalid JSON', type: 'value_error.jsondecode' }],
      });
    }
    const prompt = typeof body === 'object' && body !== null && 'prompt' in body ? body.prompt : undefined;
    if (typeof prompt !== 'string' || prompt === '') {
      return jsonResponse(422, {
        detail: [{ loc: ['body', 'prompt'], msg: 'field required', type: 'value_error.missing' }],
      });
    }
    if (prompt.includes('[moderation:down]')) return jsonResponse(503, { detail: 'Service Unavailable' });
    const output = prompt.includes('[moderation:garbled]')
      ? 'I am not sure what you mean.'
      : prompt.includes(MODERATION_FLAG)
        ? '{"allowed": false, "category": "violence"}'
        : '{"allowed": true}';
    return jsonResponse(200, { output, reasoning: null, partial: false, error: null, usage: null });
  });
}
