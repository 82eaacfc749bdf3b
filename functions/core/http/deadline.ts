import type { MiddlewareHandler } from 'hono';
import { withDeadline } from '../deadline.ts';

interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}

/**
 * Bounds every outbound call a request makes by `limitMs` (who waits for the answer: API Gateway's
 * 29 s, fal's 15 s for a webhook), or by the Lambda's own remaining time when that is shorter.
 */
export function requestDeadline(limitMs: number): MiddlewareHandler {
  return async function requestDeadline(c, next) {
    const lambda = (c.env as { lambdaContext?: Partial<LambdaContextLike> } | undefined)?.lambdaContext;
    const left =
      typeof lambda?.getRemainingTimeInMillis === 'function'
        ? Math.min(limitMs, lambda.getRemainingTimeInMillis())
        : limitMs;
    await withDeadline(Date.now() + left, next);
  };
}
