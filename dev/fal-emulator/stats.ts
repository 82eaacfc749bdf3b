import type { FalEmulatorStats } from './types.ts';

export function emptyStats(): FalEmulatorStats {
  return {
    submits: 0,
    submitsByEndpoint: {},
    rejectedSubmits: 0,
    statusCalls: 0,
    resultCalls: 0,
    cancels: 0,
    webhookAttempts: 0,
    webhooksDelivered: 0,
    cdnDownloads: 0,
    uploads: 0,
    runs: 0,
    enhancements: 0,
  };
}

/** A deep copy, so callers can keep a snapshot while counters move on. */
export function snapshotStats(stats: FalEmulatorStats): FalEmulatorStats {
  return { ...stats, submitsByEndpoint: { ...stats.submitsByEndpoint } };
}
