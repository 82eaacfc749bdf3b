/** What the enhancer needs to know besides the idea itself. */
export interface EnhanceInput {
  prompt: string;
  /** The style the final prompt will be wrapped in (its title): the rewrite should not fight it. */
  styleTitle?: string;
  /** Characters the rewrite may use (the model's limit, less the style's template). */
  maxLength: number;
}

/** Rewrites a short idea into a rich video prompt (an LLM behind fal in production). */
export interface PromptEnhancer {
  /** Throws EnhancementUnavailableError when no usable rewrite could be had. */
  enhance(input: EnhanceInput): Promise<string>;
}

export class EnhancementUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EnhancementUnavailableError';
  }
}

/**
 * The LLM's answer as a prompt: fences, quotes and a "Prompt:" label removed. Undefined when nothing
 * usable is left: empty, over the length allowed, or holding control characters.
 */
export function readEnhancedPrompt(output: string, maxLength: number): string | undefined {
  const text = output
    .trim()
    .replace(/^```[a-z]*\s*([\s\S]*?)\s*```$/, '$1')
    .replace(/^(enhanced )?prompt:\s*/i, '')
    .replace(/^"([\s\S]*)"$/, '$1')
    .trim();
  if (text === '' || text.length > maxLength) return undefined;
  // a lone surrogate, or a control character other than tab and newlines
  if (/\p{Cs}|[^\P{Cc}\t\n\r]/u.test(text)) return undefined;
  return text;
}
