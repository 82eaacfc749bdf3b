import type { TenantLimits } from '../../functions/core/domain/tenant.ts';

/** Deployment defaults for store and CLI tests: every limit set, each to a distinct value. */
export const TENANT_DEFAULTS: TenantLimits = {
  requestsPerMinute: 60,
  createsPerMinute: 10,
  maxActiveJobs: 5,
  maxQueuedJobs: 50,
  dailyBudgetUsd: 50,
  mayDisableSafetyChecker: false,
  strictPromptEnhancement: false,
  keepSoraVideos: true,
};
