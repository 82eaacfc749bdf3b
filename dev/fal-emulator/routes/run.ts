import type { Hono } from 'hono';
import type { EmulatorContext, EmulatorEnv } from '../context.ts';
import { jsonResponse } from '../json.ts';
import { authError } from './auth.ts';

/** A prompt that carries this is flagged by the emulated moderation model. */
export const MODERATION_FLAG = '[moderation:flag]';

/**
 * The emulated prompt writer (Reelay's enhancement instructions start "You rewrite short ideas"): a
 * deterministic rewrite of the fenced idea; `[enhance:down]` gets a 503, `[enhance:garbled]` an empty answer.
 */
function enhancementOutput(prompt: string): string {
  const idea = (/^<idea>([\s\S]*)<\/idea>$/.exec(prompt)?.[1] ?? prompt)
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .trim()
    .replace(/[.\s]+$/, '');
  if (idea.includes('[enhance:garbled]')) return '';
  return `${idea}, seen in a wide establishing shot at dawn; the subject moves slowly from left to right as the camera tracks alongside at walking pace, soft warm side light, gentle mist in the background.`;
}

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
    const system =
      typeof body === 'object' && body !== null && 'system_prompt' in body ? String(body.system_prompt) : '';
    if (system.startsWith('You rewrite short ideas')) {
      ctx.stats.enhancements += 1;
      if (prompt.includes('[enhance:down]')) return jsonResponse(503, { detail: 'Service Unavailable' });
      const output = enhancementOutput(prompt);
      return jsonResponse(200, { output, reasoning: null, partial: false, error: null, usage: null });
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
