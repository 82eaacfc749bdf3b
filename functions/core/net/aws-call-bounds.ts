import { type AttemptLimits, DeadlineHttpHandler } from './deadline-http-handler.ts';
import { deadlineRetries } from './deadline-retries.ts';

/** A service's bounds: each attempt's limits, and attempts in all (its retry strategy is replaced, so its default is set here). */
export interface AwsCallLimits extends AttemptLimits {
  attempts: number;
}

// DynamoDB, SQS and Secrets Manager answer in milliseconds: these limits catch a dead connection, not
// a slow table. The attempts are the SDK's defaults (4 for DynamoDB, 3 for the others).
const QUICK: AttemptLimits = { connectMs: 3_000, responseMs: 10_000, idleMs: 10_000 };
export const DYNAMODB_LIMITS: AwsCallLimits = { ...QUICK, attempts: 4 };
export const SQS_LIMITS: AwsCallLimits = { ...QUICK, attempts: 3 };
export const SECRETS_MANAGER_LIMITS: AwsCallLimits = { ...QUICK, attempts: 3 };
// an archive part is 8 MiB sent before S3 answers, so S3 gets longer
export const S3_LIMITS: AwsCallLimits = { connectMs: 3_000, responseMs: 60_000, idleMs: 30_000, attempts: 3 };

/**
 * An AWS client's settings that bound its calls: each attempt by the service's limits and the
 * caller's deadline, and the waits between retries by the deadline (docs/architecture.md).
 */
export const boundedCalls = (limits: AwsCallLimits) => ({
  requestHandler: new DeadlineHttpHandler(limits),
  retryStrategy: deadlineRetries(limits.attempts),
});
