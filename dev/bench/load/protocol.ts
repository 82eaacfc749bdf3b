/** One HTTP request the load generator sends as is (bodies are sent byte for byte: signatures cover them). */
export interface LoadRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export type LoadMode =
  /** `concurrency` connections, each sending its next request as soon as the last is answered. */
  | { kind: 'closed'; concurrency: number }
  /** Requests sent on a fixed schedule whatever the answers; latency counts from the scheduled time. */
  | { kind: 'open'; ratePerSecond: number };

export interface LoadSpec {
  port: number;
  requests: LoadRequest[];
  mode: LoadMode;
  /** The run stops sending after this long, whatever is left. */
  maxMs: number;
  requestTimeoutMs: number;
  /** Start over at the first request when all are sent (for targets that do not care about repeats), until maxMs. */
  cycle?: boolean;
}

export interface LoadResult {
  sent: number;
  /** Answered with any status. */
  answered: number;
  /** Connection errors and timeouts. */
  errors: number;
  statuses: Record<string, number>;
  elapsedMs: number;
  /** Per answered request, in milliseconds. */
  latenciesMs: number[];
}
