import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Deps } from '../core/deps.ts';
import { deliverEvents } from '../core/events/deliver-events.ts';
import { greetConnection } from '../core/live/greet.ts';
import { parseEventMessage } from '../core/queue/event-queue.ts';

/**
 * SQS → deliverEvents (or a new event stream's greeting), one record at a time. Retries of a receiver's failures are the outbox's own
 * (its schedule, its messages); a record fails here only when Reelay's own stores did, so the queue
 * redelivers it. A malformed one is logged and dropped.
 */
export function createEventDelivererHandler(deps: Deps) {
  return async function eventDeliverer(event: SQSEvent): Promise<SQSBatchResponse> {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const message = parseEventMessage(record.body);
      if (!message) {
        deps.logger.error('malformed event message dropped', {
          messageId: record.messageId,
          body: record.body.slice(0, 200),
        });
        continue;
      }
      try {
        if ('connectionId' in message) await greetConnection(deps, message.connectionId);
        else await deliverEvents(deps, message.jobId, { revive: message.revive });
      } catch (error) {
        batchItemFailures.push({ itemIdentifier: record.messageId });
        deps.logger.warn('event delivery run failed; the queue will retry', {
          ...message,
          error: String(error),
        });
      }
    }
    return { batchItemFailures };
  };
}
