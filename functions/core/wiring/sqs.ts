import type { SQSClient } from '@aws-sdk/client-sqs';
import { type Config, ConfigError } from '../config.ts';
import type { Deps } from '../deps.ts';
import { createSqsArchiveQueue } from '../queue/sqs/archive-queue.ts';
import { createSqsEventQueue } from '../queue/sqs/event-queue.ts';
import { createSqsFollowUpQueue } from '../queue/sqs/follow-up-queue.ts';
import { sqsClient } from './aws-clients.ts';

/**
 * The archive, follow-up and event queues; a function not given a queue's URL fails on its first send
 * to it (what the reconciler's passes make up for).
 */
export function sqsQueues(
  config: Config,
  client: SQSClient = sqsClient(config),
): Pick<Deps, 'archiveQueue' | 'followUps' | 'eventQueue'> {
  const { archiveQueueUrl, followUpQueueUrl } = config;
  const { queueUrl: eventQueueUrl, deadLetterUrl: eventDeadLetterUrl } = config.webhooks;
  const eventsUnset = () =>
    Promise.reject(new ConfigError('REELAY_EVENT_QUEUE_URL and REELAY_EVENT_DLQ_URL must be set'));
  return {
    eventQueue:
      eventQueueUrl && eventDeadLetterUrl
        ? createSqsEventQueue(client, eventQueueUrl, eventDeadLetterUrl)
        : { enqueue: eventsUnset, deadLetter: eventsUnset, greet: eventsUnset },
    archiveQueue: archiveQueueUrl
      ? createSqsArchiveQueue(client, archiveQueueUrl)
      : { enqueue: () => Promise.reject(new ConfigError('REELAY_ARCHIVE_QUEUE_URL is not set')) },
    followUps: followUpQueueUrl
      ? createSqsFollowUpQueue(client, followUpQueueUrl)
      : { send: () => Promise.reject(new ConfigError('REELAY_FOLLOW_UP_QUEUE_URL is not set')) },
  };
}
