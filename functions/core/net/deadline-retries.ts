import { StandardRetryStrategy } from '@smithy/core/retry';
import { recordingBudgetMs } from '../deadline.ts';

/** The part of the SDK's retry strategy interface its retry middleware calls. */
type RetryStrategy = Pick<
  StandardRetryStrategy,
  'acquireInitialRetryToken' | 'refreshRetryTokenForRetry' | 'recordSuccess'
>;

/**
 * The SDK's standard retries (its back-off, `attempts` in all), except that the wait before a retry ends
 * with the caller's deadline: the SDK then throws the error it was retrying (a throttle answers 503)
 * instead of sleeping past the deadline. The HTTP handler cuts the attempts themselves.
 */
export function deadlineRetries(attempts: number): RetryStrategy {
  const standard = new StandardRetryStrategy(attempts);
  return {
    acquireInitialRetryToken: (scope) => standard.acquireInitialRetryToken(scope),
    recordSuccess: (token) => standard.recordSuccess(token),
    async refreshRetryTokenForRetry(token, info) {
      const budget = recordingBudgetMs();
      if (budget === undefined) return standard.refreshRetryTokenForRetry(token, info);
      let timer: NodeJS.Timeout | undefined;
      const outOfTime = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(info.error), Math.max(0, budget));
      });
      try {
        return await Promise.race([standard.refreshRetryTokenForRetry(token, info), outOfTime]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
