import type { Context, ScheduledEvent } from 'aws-lambda';
import type { EngineDeps } from '../core/deps.ts';
import { type ReconcileReport, reconcile } from '../core/jobs/reconcile.ts';
import { METRIC } from '../core/metrics/metrics.ts';

/** Stop taking new jobs this long before the function's own timeout. */
const SAFETY_MARGIN_MS = 20_000;

/** EventBridge schedule → one bounded reconcile pass. */
export function createReconcilerHandler(deps: EngineDeps) {
  return async function reconciler(
    event: ScheduledEvent,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<ReconcileReport> {
    const deadline = deps.now() + Math.max(0, context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS);
    deps.logger.debug('reconcile pass', { scheduledAt: event.time });
    const report = await reconcile(deps, { batch: deps.config.reconcileBatch, deadline });
    // what the pass found is what went wrong elsewhere: lost webhooks, stuck archives, timeouts, leaked slots
    for (const [finding, value] of Object.entries(report)) {
      if (value > 0)
        deps.metrics.emit({ name: METRIC.reconcilerFindings, unit: 'Count', value, dimensions: { finding } });
    }
    return report;
  };
}
