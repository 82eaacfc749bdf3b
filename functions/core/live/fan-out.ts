import type { Deps } from '../deps.ts';
import { type Connection, wantsVideo } from '../domain/connection.ts';
import { METRIC, type MetricName } from '../metrics/metrics.ts';

export type FanOutDeps = Pick<Deps, 'connections' | 'livePush' | 'logger' | 'metrics' | 'now'>;

export interface FanOut {
  sent: number;
  /** Connections found gone (410) and removed. */
  gone: number;
  failed: number;
}

/**
 * One message to each of the given connections. A live stream has no retries of its own: a client
 * that missed a message reconnects and is greeted with the current state, so a failure is counted
 * and left, and a gone connection's record is removed.
 */
export async function pushTo(deps: FanOutDeps, connections: Connection[], body: string): Promise<FanOut> {
  const report: FanOut = { sent: 0, gone: 0, failed: 0 };
  await Promise.all(
    connections.map(async ({ connectionId, tenant }) => {
      try {
        if ((await deps.livePush.post(connectionId, body)) === 'sent') {
          report.sent++;
          return;
        }
        report.gone++;
        await deps.connections.remove(connectionId);
        deps.logger.info('stale event stream removed', { connectionId, tenant });
      } catch (error) {
        report.failed++;
        deps.logger.warn('event stream post failed', { connectionId, tenant, error: String(error) });
      }
    }),
  );
  const emit = (name: MetricName, value: number) => {
    if (value > 0) deps.metrics.emit({ name, unit: 'Count', value });
  };
  emit(METRIC.liveEventsSent, report.sent);
  emit(METRIC.liveConnectionsGone, report.gone);
  emit(METRIC.liveEventsFailed, report.failed);
  return report;
}

/** The tenant's streams that want events about `videoId`. */
export async function streamsFor(
  deps: Pick<Deps, 'connections' | 'now'>,
  tenant: string,
  videoId: string,
): Promise<Connection[]> {
  return (await deps.connections.listByTenant(tenant, deps.now())).filter((connection) =>
    wantsVideo(connection, videoId),
  );
}
