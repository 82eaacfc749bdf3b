/**
 * What one tenant may spend and run. Operators set per-tenant overrides (`npm run admin -- tenants
 * set-limits`); anything not overridden comes from the deployment's defaults in config.
 */
export interface TenantLimits {
  /** API requests per minute per key. */
  requestsPerMinute: number;
  /** Creates per minute per tenant. */
  createsPerMinute: number;
  /** Jobs at fal at once (the rest wait in `queued`). */
  maxActiveJobs: number;
  /** Jobs waiting for a slot; past it a create is 429 `queue_full`. */
  maxQueuedJobs: number;
  /** Estimated spend per UTC day, in USD. */
  dailyBudgetUsd: number;
  /** Whether this tenant may switch the model's safety checker off (only the operator grants it). */
  mayDisableSafetyChecker: boolean;
  /** With `enhance_prompt`, fail the create (503) rather than proceed with the original prompt when the LLM is down. */
  strictPromptEnhancement: boolean;
  /** Sora videos made with `delete_video: false` (kept at OpenAI, so they can be remixed). */
  keepSoraVideos: boolean;
}

/** A tenant as stored: its own overrides only. */
export interface Tenant {
  id: string;
  limits: Partial<TenantLimits>;
  createdAt: number;
  updatedAt: number;
}

export function effectiveLimits(defaults: TenantLimits, tenant: Tenant | undefined): TenantLimits {
  return { ...defaults, ...tenant?.limits };
}
