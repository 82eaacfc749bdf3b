import { NodeHttpHandler, type NodeHttpHandlerOptions } from '@smithy/node-http-handler';
import { recordingBudgetMs } from '../deadline.ts';

/** How long one attempt of an AWS call may take: the SDK's defaults wait for ever. */
export interface AttemptLimits {
  /** To open the connection. */
  connectMs: number;
  /** From the call's start (connecting and sending the body included) to the response's headers; a streamed body is not cut by it. */
  responseMs: number;
  /** Silence on the socket while the response streams. */
  idleMs: number;
}

/**
 * The AWS SDK's HTTP handler with limits, and bounded by the caller's deadline (functions/core/deadline.ts)
 * as fal's and the webhook sender's calls are: inside one, an attempt is aborted when the deadline
 * comes (less 100 ms to answer), streamed body and all, an attempt with no time left is not sent,
 * and the SDK does not retry an abort. Outside one (the fal webhook, an archive's video copy), the
 * limits alone bound it; an attempt cut by them is retried by the SDK.
 */
export class DeadlineHttpHandler extends NodeHttpHandler {
  constructor(limits: AttemptLimits) {
    super({
      connectionTimeout: limits.connectMs,
      requestTimeout: limits.responseMs,
      // without it, a response that never starts is only logged
      throwOnRequestTimeout: true,
      socketTimeout: limits.idleMs,
    } satisfies NodeHttpHandlerOptions);
  }

  override handle(...[request, options = {}]: Parameters<NodeHttpHandler['handle']>) {
    const budget = recordingBudgetMs();
    if (budget === undefined) return super.handle(request, options);
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
