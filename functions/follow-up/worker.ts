import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { withDeadline } from '../core/deadline.ts';
import type { EngineDeps } from '../core/deps.ts';
import { runFollowUp } from '../core/jobs/follow-up.ts';
import { followUpSchema, parseFollowUp } from '../core/queue/follow-up-queue.ts';

/**
 * SQS → runFollowUp, one record at a time: the work a webhook, a create or a delete found for other
 * jobs. A record that failed is reported in `batchItemFailures` so only it is redelivered (then
 * dead-lettered; the reconciler does the same work on its pass); a malformed one is logged and dropped.
 */
export function createFollowUpWorker(deps: EngineDeps) {
  // built here, at init, since every message is parsed with it (functions/core/queue/follow-up-queue.ts)
  followUpSchema();
  return async function followUpWorker(
    event: SQSEvent,
    context?: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<SQSBatchResponse> {
    // on Lambda every fal call is cut to the invocation's remaining time; locally each keeps its own limit
    const deadline = context ? Date.now() + context.getRemainingTimeInMillis() : Number.POSITIVE_INFINITY;
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const message = parseFollowUp(record.body);
      if (!message) {
        deps.logger.error('malformed follow-up message dropped', {
          messageId: record.messageId,
          body: record.body.slice(0, 200),
        });
        continue;
      }
      try {
        await withDeadline(deadline, () => runFollowUp(deps, message));
      } catch (error) {
        batchItemFailures.push({ itemIdentifier: record.messageId });
        deps.logger.warn('follow-up will be retried by the queue', {
          kind: message.kind,
          receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
          error: String(error),
        });
      }
    }
    return { batchItemFailures };
  };
}
