import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_RECEIVE_COUNT, VISIBILITY_PER_TIMEOUT } from './archive-queue.ts';

export interface EventQueueProps {
  /** The event deliverer's timeout, from which the visibility timeout follows. */
  consumerTimeout: Duration;
}

/**
 * The queue between an event's recording (the outbox) and its delivery, with its dead-letter queue.
 * Retries of a failing receiver are delayed messages the deliverer sends itself; the dead-letter queue
 * holds events a sink gave up on (sent there by the deliverer) and runs Reelay itself failed, and a
 * redrive (`npm run redrive -- --queue events`) tries them again.
 */
export class EventQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: EventQueueProps) {
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
