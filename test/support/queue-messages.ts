import type { LocalStack } from '../../dev/local-stack.ts';
import { type FollowUp, parseFollowUp } from '../../functions/core/queue/follow-up-queue.ts';

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

/** The follow-up messages of one kind sent so far, parsed, in order (the follow-up queue's record). */
export function followUpsSent<K extends FollowUp['kind']>(
  stack: LocalStack,
  kind: K,
): Extract<FollowUp, { kind: K }>[] {
  return stack.followUps
    .sentBodies()
    .map(parseFollowUp)
    .filter((message): message is Extract<FollowUp, { kind: K }> => message?.kind === kind);
}
