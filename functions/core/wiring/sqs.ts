import type { SQSClient } from '@aws-sdk/client-sqs';
import { type Config, ConfigError } from '../config.ts';
import type { Deps } from '../deps.ts';
import { createSqsArchiveQueue } from '../queue/sqs/archive-queue.ts';
import { createSqsFollowUpQueue } from '../queue/sqs/follow-up-queue.ts';
import { sqsClient } from './aws-clients.ts';

/** The archive queue and the follow-up queue; a function not given a queue's URL fails on its first send. */
export function sqsQueues(
  config: Config,
  client: SQSClient = sqsClient(config),
): Pick<Deps, 'archiveQueue' | 'followUps'> {
  const { archiveQueueUrl, followUpQueueUrl } = config;
  return {
    archiveQueue: archiveQueueUrl
      ? createSqsArchiveQueue(client, archiveQueueUrl)
      : { enqueue: () => Promise.reject(new ConfigError('REELAY_ARCHIVE_QUEUE_URL is not set')) },
    followUps: followUpQueueUrl
      ? createSqsFollowUpQueue(client, followUpQueueUrl)
      : { send: () => Promise.reject(new ConfigError('REELAY_FOLLOW_UP_QUEUE_URL is not set')) },
  };
}
