// zod/mini: the workers that read these messages load no classic zod (cold start)
import * as z from 'zod/mini';

const boundedText = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

/**
 * Work a request found for someone other than itself, carried to the follow-up worker so the request
 * can answer at once (capture, then process). Each kind is safe to run twice; the reconciler redoes
 * any of them whose message is lost.
 */
const buildFollowUpSchema = () =>
  z.discriminatedUnion('kind', [
    /** A slot of this tenant freed: admit and submit its oldest waiting jobs. */
    z.object({ kind: z.literal('pump'), tenant: boundedText(128) }),
    /**
     * A slot of the deployment freed while it was full: the longest waiter of any tenant is next, then
     * `thenTenant`'s own queue takes what room is left.
     */
    z.object({ kind: z.literal('pump-any'), thenTenant: z.optional(boundedText(128)) }),
    /** A retryable generation failure (or a next step) put the job back in the queue at this version: submit it again. */
    z.object({ kind: z.literal('resubmit'), jobId: boundedText(128), version: z.int() }),
    /**
     * The job's model failed retryably past its attempts on `requestId`: move it to the client's next
     * fallback model that fits its budget (then submit), or fail it with this error if none can.
     */
    z.object({
      kind: z.literal('fallback'),
      jobId: boundedText(128),
      requestId: boundedText(256),
      code: boundedText(64),
      message: z.string().check(z.maxLength(2_000)),
    }),
    /** fal's webhook carried no payload: fetch the result from fal's queue and record it. */

    z.object({
      kind: z.literal('fetch-result'),
      jobId: boundedText(128),
      requestId: boundedText(256),
    }),
    /** A fal request the job no longer needs (an adopted orphan replaced it): stop it so it is not billed on. */
    z.object({
      kind: z.literal('cancel'),
      jobId: boundedText(128),
      endpoint: boundedText(256),
      requestId: boundedText(256),
    }),
    /**
     * A sequence's scene ended (its output, or failed for good), or its sequence's video ended: join
     * the scenes (start the merge, fail the sequence, or stop the scenes still running).
     */
    z.object({ kind: z.literal('scene-ended'), parentId: boundedText(128) }),
  ]);

let schema: ReturnType<typeof buildFollowUpSchema> | undefined;
/**
 * Built on first use: only the follow-up worker parses these messages (and builds it at init, as it
 * parses every one); the functions that only send them skip its cost at their cold start.
 */
export const followUpSchema = () => {
  schema ??= buildFollowUpSchema();
  return schema;
};

export type FollowUp = z.infer<ReturnType<typeof buildFollowUpSchema>>;

/** At-least-once delivery of follow-up work to the follow-up worker (SQS on AWS, in-process locally). */
export interface FollowUpQueue {
  send(message: FollowUp): Promise<void>;
}

export function parseFollowUp(body: string): FollowUp | undefined {
  try {
    const parsed = followUpSchema().safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // a malformed message is reported, not retried
    return undefined;
  }
}
