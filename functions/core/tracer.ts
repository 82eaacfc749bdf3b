import type { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * Whether Powertools' Tracer would trace here: on Lambda (AWS_EXECUTION_ENV), not under SAM local or
 * Amplify's mock, unless POWERTOOLS_TRACE_ENABLED=false. The same rule the Tracer applies itself.
 */
export function tracingWanted(env: Record<string, string | undefined> = process.env): boolean {
  const execution = env.AWS_EXECUTION_ENV ?? '';
  if ((env.POWERTOOLS_TRACE_ENABLED ?? '').toLowerCase() === 'false') return false;
  return execution !== '' && execution !== 'AWS_Lambda_amplify-mock' && !env.AWS_SAM_LOCAL;
}

/**
 * X-Ray through Powertools, made once per container, only where it traces: in Lambda (tracing
 * Active) it turns the AWS SDK clients it is given and every fetch (the calls to fal) into
 * subsegments. Anywhere else, or with POWERTOOLS_TRACE_ENABLED=false, the X-Ray SDK is not even
 * loaded: evaluating it was the largest part of a function's cold start (BENCHMARKS.md, cold start).
 * The bundles are split (infra/bundling.ts), so this import is its own chunk, not read when untraced.
 */
export const tracer: Pick<Tracer, 'captureAWSv3Client'> | undefined = tracingWanted()
  ? new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName: 'reelay' })
  : undefined;
