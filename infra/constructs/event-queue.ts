import { WorkerQueue } from './archive-queue.ts';

/**
 * The queue between an event's recording (the outbox) and its delivery, with its dead-letter queue.
 * Retries of a failing receiver are delayed messages the deliverer sends itself; the dead-letter queue
 * holds events a sink gave up on (sent there by the deliverer) and runs Reelay itself failed, and a
 * redrive (`npm run redrive -- --queue events`) tries them again.
 */
export class EventQueue extends WorkerQueue {}
