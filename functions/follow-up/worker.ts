import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { EngineDeps } from '../core/deps.ts';
import { runFollowUp } from '../core/jobs/follow-up.ts';
import { parseFollowUp } from '../core/queue/follow-up-queue.ts';

/**
 * SQS → runFollowUp, one record at a time: the work a webhook, a create or a delete found for other
 * jobs. A record that failed is reported in `batchItemFailures` so only it is redelivered (then
 * dead-lettered; the reconciler does the same work on its pass); a malformed one is logged and dropped.
 */
export function createFollowUpWorker(deps: EngineDeps) {
  return async function followUpWorker(event: SQSEvent): Promise<SQSBatchResponse> {
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
        await runFollowUp(deps, message);
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
