import { Duration } from 'aws-cdk-lib';
import { DEFAULT_POLICY } from '../functions/core/domain/policy.ts';
import type { FunctionName } from './bundling.ts';

export interface FunctionSizing {
  description: string;
  /** MB; Lambda's CPU and network share grow with it. */
  memorySize: number;
  timeout: Duration;
}

/** API Gateway gives up on an integration after 30 s: the HTTP functions must answer before that. */
const HTTP_TIMEOUT = Duration.seconds(29);

/** Memory and timeout per role; reasons inline. */
export const FUNCTION_SIZING: Record<FunctionName, FunctionSizing> = {
  api: {
    description: 'Reelay API: /v1 (OpenAI Videos shape), web page, OpenAPI, health',
    // the largest bundle to parse at cold start, and multipart bodies up to 20 MB in memory
    memorySize: 1024,
    timeout: HTTP_TIMEOUT,
  },
  'fal-webhook': {
    description: 'Reelay fal webhook: verify, record, enqueue the archive',
    // small signed JSON bodies; fal waits 15 s, and a late finish is still recorded (retries are no-ops)
    memorySize: 512,
    timeout: HTTP_TIMEOUT,
  },
  archiver: {
    description: 'Reelay archiver: stream the video from fal into S3',
    // streams with about 16 MiB of part buffers; more memory buys CPU for SHA-256 and network bandwidth
    memorySize: 1024,
    // a multi-GB video at tens of MB/s, well inside the 20-minute archive lease
    timeout: Duration.minutes(10),
  },
  reconciler: {
    description: 'Reelay reconciler: one bounded pass over due jobs, every minute',
    memorySize: 512,
    // under the one-minute schedule, so passes do not pile up; the pass stops 10 s before this
    timeout: Duration.seconds(55),
  },
  'event-deliverer': {
    description: 'Reelay event deliverer: signed client webhooks, one event to its sinks at once',
    // waits on receivers, not CPU: each send is bounded at 10 s and all of an event's sinks go at once
    memorySize: 256,
    timeout: Duration.seconds(60),
  },
};

// the archive lease must outlast the archiver, or a second worker could take over a running copy
if (FUNCTION_SIZING.archiver.timeout.toMilliseconds() >= DEFAULT_POLICY.archiveLeaseMs) {
  throw new Error('the archiver timeout must stay below the archive lease (functions/core/domain/policy.ts)');
}
