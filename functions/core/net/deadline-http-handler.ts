import { NodeHttpHandler, type NodeHttpHandlerOptions } from '@smithy/node-http-handler';
import { remainingMs } from '../deadline.ts';

/** How long one attempt of an AWS call may take, for a service: the SDK's defaults wait for ever. */
export interface AwsCallLimits {
  /** To open the connection. */
  connectMs: number;
  /** From sending the request (its body included) to the response's headers; a streamed body is not cut by it. */
  responseMs: number;
  /** Silence on the socket while the response streams. */
  idleMs: number;
}

// DynamoDB, SQS and Secrets Manager answer in milliseconds; these catch a dead connection, not a slow table.
export const DYNAMODB_LIMITS: AwsCallLimits = { connectMs: 3_000, responseMs: 10_000, idleMs: 10_000 };
export const SQS_LIMITS: AwsCallLimits = { connectMs: 3_000, responseMs: 10_000, idleMs: 10_000 };
export const SECRETS_MANAGER_LIMITS: AwsCallLimits = { connectMs: 3_000, responseMs: 10_000, idleMs: 10_000 };
// an archive part is 8 MiB sent before S3 answers, so S3 gets longer
export const S3_LIMITS: AwsCallLimits = { connectMs: 3_000, responseMs: 60_000, idleMs: 30_000 };

/** Node's timers hold at most this many ms (a longer one fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * Kept back from the deadline for the answer. Not core/deadline.ts's reserve: that second is kept
 * from fal's calls so that the recording of what happened, an AWS call, can still run in it.
 */
const ANSWER_MARGIN_MS = 100;

/**
 * The AWS SDK's HTTP handler with limits, and bounded by the caller's deadline (functions/core/deadline.ts)
 * as fal's and the webhook sender's calls are: inside one, an attempt is aborted when the deadline
 * comes (less a margin to answer), streamed body and all, an attempt with no time left is not sent,
 * and the SDK does not retry an abort. Outside one (the fal webhook, an archive's video copy), the
 * limits alone bound it; an attempt cut by them is retried by the SDK. The response limit runs from
 * the call's start (connecting and sending the body included) to the response's headers.
 */
export class DeadlineHttpHandler extends NodeHttpHandler {
  constructor(limits: AwsCallLimits) {
    super({
      connectionTimeout: limits.connectMs,
      requestTimeout: limits.responseMs,
      // without it, a response that never starts is only logged
      throwOnRequestTimeout: true,
      socketTimeout: limits.idleMs,
    } satisfies NodeHttpHandlerOptions);
  }

  override handle(...[request, options = {}]: Parameters<NodeHttpHandler['handle']>) {
    const left = remainingMs();
    // no deadline, or one that never comes (the local follow-up worker's): the limits alone
    if (left === undefined || !(left < MAX_TIMER_MS)) return super.handle(request, options);
    const budget = Math.ceil(left - ANSWER_MARGIN_MS);
    // with no time left, an already aborted signal: the SDK rejects before it opens a request
    const deadline =
      budget > 0
        ? AbortSignal.timeout(budget)
        : AbortSignal.abort(new DOMException('deadline passed', 'TimeoutError'));
    const own = options.abortSignal as AbortSignal | undefined;
    return super.handle(request, {
      ...options,
      abortSignal: own ? AbortSignal.any([own, deadline]) : deadline,
    });
  }
}
