import type { Config } from '../config.ts';
import type { Deps } from '../deps.ts';
import { createWebhookVerifier } from '../fal/webhook-signature.ts';

/** fal's webhook signatures, checked against its JWKS; a stale key set in an outage is said in the log. */
export function falWebhookVerifier(config: Config, logger: Deps['logger']): Deps['verifyFalWebhook'] {
  return createWebhookVerifier({
    jwksUrl: config.fal.jwksUrl,
    maxAgeMs: config.fal.jwksMaxAgeMs,
    onStale: ({ ageMs, error }) =>
      logger.warn('fal JWKS unreachable; verifying with the last good keys', {
        keySetAgeSeconds: Math.round(ageMs / 1000),
        error,
      }),
  });
}
