import { callTimeoutMs } from '../deadline.ts';

export interface FalLlmOptions {
  /** fal's synchronous host, `https://fal.run` (the emulator serves it under `/run`). */
  runUrl: string;
  credentials: () => Promise<string>;
  model: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/**
 * Client text fenced in `<tag>…</tag>` for an LLM, with angle brackets escaped: no spelling of a
 * closing tag (nested, any case) can end the fence, so the text is only ever data.
 */
export const fenced = (tag: string, text: string): string =>
  `<${tag}>${text.replaceAll('<', '&lt;').replaceAll('>', '&gt;')}</${tag}>`;

/**
 * One call to fal's `openrouter/router` (an LLM behind fal's key and billing), bounded by its own
 * timeout and the caller's deadline: its text output, or a throw (unreachable, non-2xx, no text).
 * What moderation and prompt enhancement both use.
 */
export function createFalLlm(options: FalLlmOptions) {
  const call = options.fetch ?? fetch;
  return async function askLlm(request: { systemPrompt: string; prompt: string; temperature: number }) {
    const response = await call(`${options.runUrl.replace(/\/$/, '')}/openrouter/router`, {
      method: 'POST',
      headers: { authorization: `Key ${await options.credentials()}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: options.model,
        system_prompt: request.systemPrompt,
        prompt: request.prompt,
        temperature: request.temperature,
      }),
      signal: AbortSignal.timeout(callTimeoutMs(options.timeoutMs)),
    });
    if (!response.ok) throw new Error(`openrouter/router answered ${response.status}`);
    const { output } = (await response.json()) as { output?: unknown };
    if (typeof output !== 'string') throw new Error('openrouter/router gave no text');
    return output;
  };
}
