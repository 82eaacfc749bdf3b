import { randomUUID } from 'node:crypto';
import type { Context, ScheduledEvent } from 'aws-lambda';

type ScheduledHandler = (
  event: ScheduledEvent,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<unknown>;

/** The EventBridge schedule's stand-in: calls the handler every `intervalMs` with a real event shape, never two at once. */
export function startSchedule(options: {
  intervalMs: number;
  region: string;
  ruleName: string;
  /** The Lambda timeout the handler believes it has. */
  timeoutMs: number;
  handler: ScheduledHandler;
  onError: (error: unknown) => void;
}): { runNow(): Promise<void>; stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const runNow = () => {
    running ??= (async () => {
      const started = Date.now();
      const event: ScheduledEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '000000000000',
        time: new Date(started).toISOString(),
        region: options.region,
        resources: [`arn:aws:events:${options.region}:000000000000:rule/${options.ruleName}`],
        detail: {},
      };
      try {
        await options.handler(event, {
          getRemainingTimeInMillis: () => options.timeoutMs - (Date.now() - started),
        });
      } catch (error) {
        options.onError(error);
      }
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => void runNow(), options.intervalMs);
  timer.unref();
  return {
    runNow,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
