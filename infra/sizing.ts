import { Duration } from 'aws-cdk-lib';
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
    // a multi-GB video at tens of MB/s; the lease is renewed while it copies, so a worker killed by
    // this timeout holds its job for one lease (60 s), not for the timeout
    timeout: Duration.minutes(10),
  },
  'follow-up': {
    description: 'Reelay follow-up worker: hand freed slots on, resubmit, fetch missing results, cancel',
    memorySize: 512,
    // one message submits at most ten waiting jobs, each fal call bounded by its own timeout
    timeout: Duration.minutes(5),
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
  'event-stream': {
    description:
      "Reelay event stream: the WebSocket API's $connect (key or token, the cap, the record) and $disconnect",
    // a key lookup, one query and one write: small, and API Gateway waits for it on every connect
    memorySize: 256,
    timeout: Duration.seconds(10),
  },
};
