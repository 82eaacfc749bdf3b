/** Carries "deliver this job's event" (and "greet this new connection") to the event deliverer. At-least-once. */
export interface EventQueue {
  /** `delayMs` (up to 15 minutes) holds the message back: a retry that is due soon. */
  enqueue(jobId: string, delayMs?: number): Promise<void>;
  /**
   * A new event stream is sent the current state of its tenant's unfinished videos by the deliverer
   * (API Gateway accepts no post to a connection until `$connect` has answered, hence the delay).
   */
  greet(connectionId: string, delayMs?: number): Promise<void>;
  /** An event some sink gave up on: parked where operators look, and revived by a redrive. */
  deadLetter(jobId: string): Promise<void>;
}

/** The longest delay a queue message can carry (SQS's DelaySeconds limit). */
export const MAX_QUEUE_DELAY_MS = 900_000;

export interface EventMessage {
  jobId: string;
  /** Set on dead letters: when redriven, the sinks that gave up are tried again. */
  revive?: boolean;
}

/** A new event stream to greet with its tenant's unfinished videos. */
export interface GreetMessage {
  connectionId: string;
}

export function parseEventMessage(body: string): EventMessage | GreetMessage | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'jobId' in parsed && typeof parsed.jobId === 'string') {
      return { jobId: parsed.jobId, ...('revive' in parsed && parsed.revive === true && { revive: true }) };
    }
    if (
      parsed &&
      typeof parsed === 'object' &&
      'connectionId' in parsed &&
      typeof parsed.connectionId === 'string'
    )
      return { connectionId: parsed.connectionId };
  } catch {
    // fall through: a malformed message is reported, not retried
  }
  return undefined;
}
