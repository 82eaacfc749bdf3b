/** Carries "archive this job" from the webhook (and the reconciler) to the archiver. At-least-once. */
export interface ArchiveQueue {
  enqueue(jobId: string): Promise<void>;
}

export interface ArchiveMessage {
  jobId: string;
}

export function parseArchiveMessage(body: string): ArchiveMessage | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'jobId' in parsed && typeof parsed.jobId === 'string') {
      return { jobId: parsed.jobId };
    }
  } catch {
    // fall through: a malformed message is reported, not retried
  }
  return undefined;
}
