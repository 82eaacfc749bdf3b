/** Timing and retry limits for jobs; built from config, pure data. */
export interface JobPolicy {
  /** How long a submit in progress holds a queued job before the reconciler may take it over. */
  submitLeaseMs: number;
  /** Wait past the model's typical generation time before polling for a webhook that has not come. */
  webhookGraceMs: number;
  /** Between polls of a job fal still reports as running. */
  pollIntervalMs: number;
  /** Time for a generated job's archive message to be picked up before the reconciler sends another. */
  archivePickupMs: number;
  /** How long an archive worker's lease lasts unless renewed: the time a dead worker holds a job. */
  archiveLeaseMs: number;
  /** How often a live archive worker renews its lease. */
  archiveLeaseRenewMs: number;
  /** A job still active after this long fails with `timeout`. */
  maxJobAgeMs: number;
  maxSubmitAttempts: number;
  maxGenerationAttempts: number;
  maxArchiveAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Replaces the catalog's typical generation time of every model when set. */
  typicalGenerationMs?: number;
}

export const DEFAULT_POLICY: JobPolicy = {
  submitLeaseMs: 60_000,
  webhookGraceMs: 120_000,
  pollIntervalMs: 30_000,
  archivePickupMs: 120_000,
  archiveLeaseMs: 60_000,
  archiveLeaseRenewMs: 20_000,
  maxJobAgeMs: 2 * 60 * 60_000,
  maxSubmitAttempts: 5,
  maxGenerationAttempts: 3,
  maxArchiveAttempts: 5,
  retryBaseMs: 5_000,
  retryMaxMs: 5 * 60_000,
};

/** Exponential backoff with full jitter: a uniform delay in [0, min(max, base·2^attempt)). `random` is in [0, 1). */
export function backoffDelay(attempt: number, policy: JobPolicy, random: number): number {
  const ceiling = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random * ceiling);
}
