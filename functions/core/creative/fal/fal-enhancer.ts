import { EnhancementUnavailableError, type PromptEnhancer, readEnhancedPrompt } from '../prompt-enhancer.ts';
import { enhancementInstructions } from './enhancement-instructions.ts';

export interface FalEnhancerOptions {
  /** fal's synchronous host, `https://fal.run` (the emulator serves it under `/run`). */
  runUrl: string;
  credentials: () => Promise<string>;
  model: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** Prompt enhancement through fal's `openrouter/router`, the same path as moderation. */
export function createFalEnhancer(options: FalEnhancerOptions): PromptEnhancer {
  const call = options.fetch ?? fetch;
  return {
    async enhance(input) {
      let output: unknown;
      try {
        const response = await call(`${options.runUrl.replace(/\/$/, '')}/openrouter/router`, {
          method: 'POST',
          headers: {
            authorization: `Key ${await options.credentials()}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({
            model: options.model,
            system_prompt: enhancementInstructions(input),
            // angle brackets escaped: no spelling of a closing tag can end the fence
            prompt: `<idea>${input.prompt.replaceAll('<', '&lt;').replaceAll('>', '&gt;')}</idea>`,
            temperature: 0.4,
          }),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        if (!response.ok) throw new Error(`openrouter/router answered ${response.status}`);
        output = ((await response.json()) as { output?: unknown }).output;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new EnhancementUnavailableError(`the enhancement call failed: ${reason}`, { cause: error });
      }
      const prompt = typeof output === 'string' ? readEnhancedPrompt(output, input.maxLength) : undefined;
      if (!prompt) throw new EnhancementUnavailableError('the enhancement model gave no usable prompt');
      return prompt;
    },
  };
}
