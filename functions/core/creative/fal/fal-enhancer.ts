import { createFalLlm, type FalLlmOptions, fenced } from '../../fal/llm-router.ts';
import { EnhancementUnavailableError, type PromptEnhancer, readEnhancedPrompt } from '../prompt-enhancer.ts';
import { enhancementInstructions } from './enhancement-instructions.ts';

export type FalEnhancerOptions = FalLlmOptions;

/** Prompt enhancement through fal's `openrouter/router`, the same path as moderation. */
export function createFalEnhancer(options: FalEnhancerOptions): PromptEnhancer {
  const askLlm = createFalLlm(options);
  return {
    async enhance(input) {
      let output: string;
      try {
        output = await askLlm({
          systemPrompt: enhancementInstructions(input),
          prompt: fenced('idea', input.prompt),
          temperature: 0.4,
        });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new EnhancementUnavailableError(`the enhancement call failed: ${reason}`, { cause: error });
      }
      const prompt = readEnhancedPrompt(output, input.maxLength);
      if (!prompt) throw new EnhancementUnavailableError('the enhancement model gave no usable prompt');
      return prompt;
    },
  };
}
