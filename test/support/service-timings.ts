/**
 * The service's timings scaled down as in the chaos run, so a lost webhook or message is the
 * reconciler's within seconds. A test spreads it and overrides what it needs.
 */
export const FAST_SERVICE_TIMINGS = {
  REELAY_TYPICAL_GENERATION_SECONDS: '1',
  REELAY_WEBHOOK_GRACE_SECONDS: '1',
  REELAY_POLL_INTERVAL_SECONDS: '1',
  REELAY_SUBMIT_LEASE_SECONDS: '1',
  REELAY_ARCHIVE_PICKUP_SECONDS: '2',
  REELAY_RETRY_BASE_SECONDS: '0.2',
  REELAY_RETRY_MAX_SECONDS: '1',
};
