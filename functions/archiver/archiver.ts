import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type ArchiveDeps, archiveVideo } from '../core/jobs/archive-video.ts';
import { METRIC } from '../core/metrics/metrics.ts';
import { parseArchiveMessage } from '../core/queue/archive-queue.ts';

/**
 * SQS → archiveVideo, one record at a time. A record that failed in a way that may pass later is
 * reported in `batchItemFailures` so only it is redelivered; a malformed one is logged and dropped.
 */
export function createArchiverHandler(deps: ArchiveDeps) {
  return async function archiver(event: SQSEvent): Promise<SQSBatchResponse> {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const message = parseArchiveMessage(record.body);
      if (!message) {
        deps.logger.error('malformed archive message dropped', {
          messageId: record.messageId,
          body: record.body.slice(0, 200),
        });
        continue;
      }
      const sentAt = Number(record.attributes.SentTimestamp);
      if (sentAt > 0) {
        // how far behind the archiver is; SQS's own ApproximateAgeOfOldestMessage sees only what waits
        const age = Math.max(0, deps.now() - sentAt);
        deps.metrics.emit({ name: METRIC.archiveQueueAge, unit: 'Milliseconds', value: age });
      }
      try {
        await archiveVideo(deps, message.jobId);
      } catch (error) {
        const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
        batchItemFailures.push({ itemIdentifier: record.messageId });
        if (receiveCount < deps.config.archiveMaxReceives) {
          deps.logger.warn('archive will be retried by the queue', {
            jobId: message.jobId,
            receiveCount,
            error: String(error),
          });
          continue;
        }
        // SQS moves it to the dead-letter queue now, silently: say so, with the job, where operators look
        deps.logger.error('archive message dead-lettered', {
          jobId: message.jobId,
          receiveCount,
          error: String(error),
          redrive: 'npm run redrive (see docs/operations.md)',
        });
        deps.metrics.count(METRIC.archiveDeadLettered, { jobId: message.jobId });
      }
    }
    return { batchItemFailures };
  };
}
