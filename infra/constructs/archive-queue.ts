import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Deliveries before a message is parked in the DLQ; the reconciler also resends lost archives. */
export const MAX_RECEIVE_COUNT = 5;
/** AWS's guidance for Lambda event sources: visibility at least six times the function timeout. */
export const VISIBILITY_PER_TIMEOUT = 6;

export interface WorkerQueueProps {
  /** The consuming function's timeout, from which the visibility timeout follows. */
  consumerTimeout: Duration;
}

/** A queue between capture (the webhook, the API) and a worker (processing), with its dead-letter queue. */
export class WorkerQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: WorkerQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * VISIBILITY_PER_TIMEOUT),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
  }
}

/** The queue between the webhook (capture) and the archiver (processing). */
export class ArchiveQueue extends WorkerQueue {}
