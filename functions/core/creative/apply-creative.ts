import type { Deps } from '../deps.ts';
import { DEFAULT_MODEL, findModel, type VideoRequest } from '../domain/catalog/index.ts';
import type { CreativeSpec } from '../domain/creative.ts';
import { applyStyle, type StylePreset } from '../domain/styles.ts';
import type { TenantLimits } from '../domain/tenant.ts';
import { invalidRequest, Unavailable } from '../errors.ts';
import { checkPrompt } from '../safety/check-prompt.ts';
import { EnhancementUnavailableError } from './prompt-enhancer.ts';

type CreativeDeps = Pick<Deps, 'config' | 'styles' | 'enhancer' | 'blocklist' | 'logger'>;

/** The preset named by `style`, or a 400 that lists the ones there are. */
export function findStyle(deps: Pick<Deps, 'styles'>, id: string, param = 'style'): StylePreset {
  const preset = deps.styles.find(id);
  if (!preset) {
    const ids = deps.styles
      .list()
      .map((s) => s.id)
      .join(', ');
    throw invalidRequest(`Unknown style ${id}; available: ${ids} (GET /v1/styles).`, param);
  }
  return preset;
}

/** Room left for the prompt inside a style's template, under the model's limit. */
function roomFor(preset: StylePreset | undefined, maxLength: number): number {
  return preset ? maxLength - applyStyle(preset, '').length : maxLength;
}

export const enhancementUnavailable = (cause: unknown) =>
  new Unavailable('prompt_enhancement_unavailable', 'Prompt enhancement is unavailable; please retry.', {
    param: 'enhance_prompt',
    retryAfterSeconds: 5,
    cause,
  });

/**
 * Rewrites the idea through the enhancer, after the blocklist (a refused idea costs no LLM call).
 * `strict`: an unavailable enhancer is a 503; otherwise the reason comes back for the video to show.
 */
export async function enhance(
  deps: CreativeDeps,
  prompt: string,
  preset: StylePreset | undefined,
  maxLength: number,
  strict: boolean,
): Promise<{ enhancedPrompt?: string; unavailable?: string }> {
  await checkPrompt({ blocklist: deps.blocklist, logger: deps.logger }, [{ text: prompt, param: 'prompt' }]);
  try {
    const enhancedPrompt = await deps.enhancer.enhance({
      prompt,
      styleTitle: preset?.title,
      maxLength: roomFor(preset, maxLength),
    });
    return { enhancedPrompt };
  } catch (error) {
    if (!(error instanceof EnhancementUnavailableError)) throw error;
    deps.logger.warn('prompt enhancement unavailable', { error: error.message });
    if (strict) throw enhancementUnavailable(error);
    return { unavailable: error.message };
  }
}

/**
 * The creative step of a create, before it is screened: applies `style` and `enhance_prompt`, so the
 * request's `prompt` becomes the final prompt (what is screened and sent to fal) and `creative`
 * records how. A request asking for neither comes back unchanged.
 */
export async function applyCreative(
  deps: CreativeDeps,
  request: VideoRequest,
  limits: Pick<TenantLimits, 'strictPromptEnhancement'>,
): Promise<VideoRequest> {
  if (request.style === undefined && !request.enhancePrompt) return request;
  const preset = request.style === undefined ? undefined : findStyle(deps, request.style);
  // an unknown model is resolveVideo's 400 to give; meanwhile the default's limit bounds the prompt
  const model = findModel(request.model ?? DEFAULT_MODEL) ?? findModel(DEFAULT_MODEL);
  const maxLength = model?.maxPromptLength ?? 4_000;
  const creative: CreativeSpec = {
    originalPrompt: request.prompt,
    ...(preset && { style: preset.id }),
  };
  let base = request.prompt;
  if (request.enhancePrompt) {
    const result = await enhance(deps, request.prompt, preset, maxLength, limits.strictPromptEnhancement);
    if (result.enhancedPrompt !== undefined) {
      base = result.enhancedPrompt;
      creative.enhancedPrompt = result.enhancedPrompt;
      creative.enhancement = { status: 'enhanced' };
    } else {
      creative.enhancement = { status: 'unavailable', reason: result.unavailable };
    }
  }
  const prompt = preset ? applyStyle(preset, base) : base;
  if (prompt.length > maxLength) {
    throw invalidRequest(
      `With style ${preset?.id}, the prompt is ${prompt.length} characters; ${model?.name} takes at most ${maxLength}. Shorten the prompt.`,
      'prompt',
    );
  }
  return { ...request, prompt, creative };
}
