import type { LocalStack } from '../../dev/local-stack.ts';

export interface SentMessage {
  queue: 'archive' | 'follow-up';
  body: Record<string, unknown>;
}

/** Every message sent about a job so far, to either queue, in the order each queue got them (the queues' record). */
export function messagesAbout(stack: LocalStack, jobId: string): SentMessage[] {
  const about = (queue: SentMessage['queue'], bodies: readonly string[]): SentMessage[] =>
    bodies
      .map((body) => JSON.parse(body) as Record<string, unknown>)
      .filter((body) => body.jobId === jobId)
      .map((body) => ({ queue, body }));
  return [...about('archive', stack.queue.sentBodies()), ...about('follow-up', stack.followUps.sentBodies())];
}
