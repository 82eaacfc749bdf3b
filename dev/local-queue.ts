import { AsyncResource } from 'node:async_hooks';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ArchiveQueue } from '../functions/core/queue/archive-queue.ts';
import type { EventQueue } from '../functions/core/queue/event-queue.ts';
import type { FollowUp, FollowUpQueue } from '../functions/core/queue/follow-up-queue.ts';

export interface LocalQueueOptions {
  name: string;
  region: string;
  /** A received message is hidden this long; if not deleted by then, it is delivered again. */
  visibilityTimeoutMs: number;
  /** Receives before a failing message moves to the dead-letter store (SQS's maxReceiveCount). */
  maxReceiveCount: number;
  /** Messages handled at once. */
  concurrency: number;
  /** When set, messages survive a restart, as they do in SQS. */
  file?: string;
  onDeadLetter?: (message: QueuedMessage) => void;
}

export interface QueuedMessage {
  messageId: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  visibleAt: number;
}

type Consumer = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

/**
 * An in-process stand-in for an SQS queue (archive, follow-up or events): at-least-once delivery of
 * one-record SQS events to the real worker handler, delayed messages, redelivery after the
 * visibility timeout, and a dead-letter store.
 */
export class LocalQueue implements ArchiveQueue, FollowUpQueue, EventQueue {
  private messages: QueuedMessage[] = [];
  private deadLetters: QueuedMessage[] = [];
  private inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private consumer: Consumer | undefined;
  private closed = false;
  private held = false;
  private readonly totals = { sent: 0, received: 0, deleted: 0 };
  private readonly sent: string[] = [];

  constructor(private readonly options: LocalQueueOptions) {
    if (options.file) this.load(options.file);
    // SQS invokes its consumer afresh: a delivery must not run in the sender's context (an API
    // request's deadline would bound the worker's calls), so every pump runs in the queue's own
    this.pump = AsyncResource.bind(this.pump.bind(this));
  }

  /** Starts delivering to `consumer` (the archiver handler). */
  start(consumer: Consumer): void {
    this.consumer = consumer;
    this.pump();
  }

  async enqueue(jobId: string, delayMs = 0): Promise<void> {
    await this.sendBody(JSON.stringify({ jobId }), delayMs);
  }

  async greet(connectionId: string, delayMs = 0): Promise<void> {
    await this.sendBody(JSON.stringify({ connectionId }), delayMs);
  }

  async send(message: FollowUp): Promise<void> {
    await this.sendBody(JSON.stringify(message));
  }

  /** Bodies sent since start (the record tests assert against). */
  sentBodies(): readonly string[] {
    return this.sent;
  }

  private async sendBody(body: string, delayMs = 0): Promise<void> {
    if (this.closed) throw new Error('queue is closed');
    this.totals.sent++;
    this.sent.push(body);
    // a record for tests and the chaos run, bounded for a long-running npm start
    if (this.sent.length > 10_000) this.sent.splice(0, this.sent.length - 10_000);
    this.messages.push({
      messageId: randomUUID(),
      body,
      sentAt: Date.now(),
      receiveCount: 0,
      visibleAt: delayMs > 0 ? Date.now() + delayMs : 0,
    });
    this.save();
    this.pump();
  }

  /** Bodies of the messages not yet done with: waiting, hidden for a retry, or being handled. */
  pendingBodies(): string[] {
    return this.messages.map((m) => m.body);
  }

  /** A message sent straight to the dead-letter store (the event deliverer's give-up), revived by a redrive. */
  async deadLetter(jobId: string): Promise<void> {
    const message = {
      messageId: randomUUID(),
      body: JSON.stringify({ jobId, revive: true }),
      sentAt: Date.now(),
    };
    this.deadLetters.push({ ...message, receiveCount: 0, visibleAt: 0 });
    this.options.onDeadLetter?.({ ...message, receiveCount: 0, visibleAt: 0 });
    this.save();
  }

  depth(): { visible: number; inFlight: number; deadLetters: number } {
    const now = Date.now();
    return {
      visible: this.messages.filter((m) => m.visibleAt <= now).length,
      inFlight: this.messages.filter((m) => m.visibleAt > now).length,
      deadLetters: this.deadLetters.length,
    };
  }

  /** Messages sent, received (each delivery, redeliveries included) and deleted after success, since start. */
  counts(): { sent: number; received: number; deleted: number } {
    return { ...this.totals };
  }

  deadLetterMessages(): readonly QueuedMessage[] {
    return this.deadLetters;
  }

  /** Moves dead letters back into the queue (the local twin of an SQS redrive). */
  redrive(): number {
    const moved = this.deadLetters.map((m) => ({ ...m, receiveCount: 0, visibleAt: 0 }));
    this.messages.push(...moved);
    this.deadLetters = [];
    this.save();
    this.pump();
    return moved.length;
  }

  /**
   * Stops delivering (messages are still accepted and kept) until `resume`: how a test shows that
   * a request only sent work and did none of it, as when the worker's Lambda is slow to start.
   */
  hold(): void {
    this.held = true;
  }

  resume(): void {
    this.held = false;
    this.pump();
  }

  /** Resolves once no message is waiting or being handled (messages hidden for a retry count as waiting). */
  async drained(pollMs = 20): Promise<void> {
    while (this.messages.length > 0 || this.inFlight.size > 0)
      await new Promise((r) => setTimeout(r, pollMs));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
    this.save();
  }

  private pump(): void {
    if (this.closed || this.held || !this.consumer) return;
    clearTimeout(this.timer);
    const now = Date.now();
    const ready = this.messages.filter((m) => m.visibleAt <= now);
    for (const message of ready.slice(0, Math.max(0, this.options.concurrency - this.inFlight.size))) {
      const delivery = this.deliver(message).finally(() => {
        this.inFlight.delete(delivery);
        this.pump();
      });
      this.inFlight.add(delivery);
    }
    const next = Math.min(...this.messages.filter((m) => m.visibleAt > now).map((m) => m.visibleAt));
    if (Number.isFinite(next)) this.timer = setTimeout(() => this.pump(), Math.max(10, next - now));
  }

  private async deliver(message: QueuedMessage): Promise<void> {
    message.receiveCount++;
    this.totals.received++;
    message.visibleAt = Date.now() + this.options.visibilityTimeoutMs;
    this.save();
    let failed: boolean;
    try {
      const response = await this.consumer?.(this.event(message));
      failed = response?.batchItemFailures.some((f) => f.itemIdentifier === message.messageId) ?? false;
    } catch {
      failed = true;
    }
    if (!failed) {
      this.totals.deleted++;
      this.messages = this.messages.filter((m) => m !== message);
    } else if (message.receiveCount >= this.options.maxReceiveCount) {
      this.messages = this.messages.filter((m) => m !== message);
      this.deadLetters.push(message);
      this.options.onDeadLetter?.(message);
    }
    this.save();
  }

  private event(message: QueuedMessage): SQSEvent {
    const record: SQSRecord = {
      messageId: message.messageId,
      receiptHandle: `${message.messageId}#${message.receiveCount}`,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: 'LOCAL',
        ApproximateFirstReceiveTimestamp: String(message.sentAt),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(message.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${this.options.region}:000000000000:${this.options.name}`,
      awsRegion: this.options.region,
    };
    return { Records: [record] };
  }

  private load(file: string): void {
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as {
        messages: QueuedMessage[];
        deadLetters: QueuedMessage[];
      };
      // after a restart nothing is in flight: everything is visible again
      this.messages = saved.messages.map((m) => ({ ...m, visibleAt: 0 }));
      this.deadLetters = saved.deadLetters;
    } catch {
      // no saved queue yet
    }
  }

  private save(): void {
    if (!this.options.file) return;
    const temp = `${this.options.file}.tmp`;
    writeFileSync(temp, JSON.stringify({ messages: this.messages, deadLetters: this.deadLetters }));
    renameSync(temp, this.options.file);
  }
}
