import type { Deps } from '../core/deps.ts';
import { resolveVideo, type VideoRequest } from '../core/domain/catalog/index.ts';
import { effectiveLimits } from '../core/domain/tenant.ts';
import { ApiError } from '../core/http/api-error.ts';
import { checkPrompt } from '../core/safety/check-prompt.ts';

/** Stands in for an uploaded image while a request is checked against its model. */
const PENDING_UPLOAD = 'https://upload.pending/input_reference';

/**
 * Everything that can refuse a create before anything is spent or written, cheapest first: the
 * request against its model (sizes, seconds, prompt length), the safety-checker permission, the
 * client's URLs (resolved, against SSRF), the prompt blocklist, then the optional moderation call.
 */
export async function screenCreateRequest(
  deps: Pick<Deps, 'config' | 'tenants' | 'blocklist' | 'moderator' | 'guardUrl' | 'logger'>,
  tenant: string,
  request: VideoRequest,
  hasImageFile: boolean,
): Promise<void> {
  resolveVideo(hasImageFile ? { ...request, imageUrl: PENDING_UPLOAD } : request);
  if (request.enableSafetyChecker === false) {
    const limits = effectiveLimits(deps.config.tenantDefaults, await deps.tenants.get(tenant));
    if (!limits.mayDisableSafetyChecker) {
      throw new ApiError(
        403,
        'safety_checker_required',
        'This account may not switch the safety checker off; the operator can allow it.',
        { param: 'enable_safety_checker' },
      );
    }
  }
  if (request.imageUrl) await deps.guardUrl(request.imageUrl, 'image_url');
  if (request.callbackUrl) await deps.guardUrl(request.callbackUrl, 'callback_url');
  await checkPrompt(deps, [
    { text: request.prompt, param: 'prompt' },
    { text: request.negativePrompt, param: 'negative_prompt' },
  ]);
}
