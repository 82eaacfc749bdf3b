import type { Deps } from '../deps.ts';
import type { VideoRequest } from '../domain/catalog/index.ts';
import type { TenantLimits } from '../domain/tenant.ts';
import { Forbidden } from '../errors.ts';
import { checkPrompt } from './check-prompt.ts';

/**
 * The safety step of a create, after the request is resolved against its model and before anything
 * is spent or written, cheapest first: the safety-checker permission, the client's URLs (resolved,
 * against SSRF, each once), the prompt blocklist, then the optional moderation call.
 */
export async function screenCreate(
  deps: Pick<Deps, 'blocklist' | 'moderator' | 'guardUrl' | 'logger'>,
  request: VideoRequest,
  limits: Pick<TenantLimits, 'mayDisableSafetyChecker'>,
): Promise<void> {
  if (request.enableSafetyChecker === false && !limits.mayDisableSafetyChecker) {
    throw new Forbidden(
      'safety_checker_required',
      'This account may not switch the safety checker off; the operator can allow it.',
      { param: 'enable_safety_checker' },
    );
  }
  if (request.imageUrl) await deps.guardUrl(request.imageUrl, 'image_url');
  if (request.callbackUrl) await deps.guardUrl(request.callbackUrl, 'callback_url');
  await checkPrompt(deps, [
    { text: request.prompt, param: 'prompt' },
    { text: request.negativePrompt, param: 'negative_prompt' },
  ]);
}
