import type { Config } from '../config.ts';
import type { Deps } from '../deps.ts';
import { createFalBilling } from '../fal/billing/fal-billing.ts';
import { meteredFalGateway } from '../fal/metered-fal-gateway.ts';
import { createFalModerator } from '../safety/fal/fal-moderator.ts';
import { onFirstUse } from './on-first-use.ts';
import { falCredentials } from './secrets.ts';

const FAL_GATEWAY_METHODS = {
  submit: true,
  status: true,
  result: true,
  cancel: true,
  output: true,
  upload: true,
} as const;

/**
 * fal's queue: submit, status, result, cancel, storage; every call counted and timed in `metrics`.
 * fal's client (38 KiB of CommonJS) is loaded on the first call: most of the reconciler's minutes
 * and the API's reads never call fal.
 */
export function falGateway(config: Config, metrics: Deps['metrics']): Pick<Deps, 'fal'> {
  const gateway = onFirstUse(async () => {
    const { createFalGateway } = await import('../fal/client/fal-gateway.ts');
    return createFalGateway({
      credentials: falCredentials(config),
      queueUrl: config.fal.queueUrl,
      restUrl: config.fal.restUrl,
      requestTimeoutMs: config.fal.requestTimeoutMs,
    });
  }, FAL_GATEWAY_METHODS);
  return { fal: meteredFalGateway(gateway, metrics) };
}

/** fal's queue and, when enabled, its LLM moderation (the API's). */
export function falAdapters(config: Config, metrics: Deps['metrics']): Pick<Deps, 'fal' | 'moderator'> {
  return {
    ...falGateway(config, metrics),
    moderator: config.moderation.enabled
      ? createFalModerator({
          runUrl: config.moderation.runUrl,
          credentials: falCredentials(config),
          model: config.moderation.model,
          timeoutMs: config.moderation.timeoutMs,
        })
      : undefined,
  };
}

/** What fal billed for a request (its result's billable units) and its endpoint's unit price. */
export function falBilling(config: Config): Pick<Deps, 'billing'> {
  return {
    billing: createFalBilling({
      credentials: falCredentials(config),
      queueUrl: config.fal.queueUrl,
      apiUrl: config.falApiUrl,
      timeoutMs: config.fal.requestTimeoutMs,
    }),
  };
}
