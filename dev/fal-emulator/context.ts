import type { HttpBindings } from '@hono/node-server';
import type { FaultQueue } from './faults/queue.ts';
import type { FileStore } from './files.ts';
import type { RequestQueue } from './queue.ts';
import type { WebhookSigner } from './signer.ts';
import type { FalEmulatorStats } from './types.ts';

/** Everything the routes share; built once in index.ts. */
export interface EmulatorContext {
  apiKey: string | undefined;
  baseUrl: () => string;
  stats: FalEmulatorStats;
  faults: FaultQueue;
  queue: RequestQueue;
  files: FileStore;
  signer: WebhookSigner;
  /** Aborted on close(), so hanging handlers let go. */
  closing: AbortSignal;
  save: () => void;
  log: (line: string) => void;
}

/** Node bindings are optional: `app.request()` in tests runs without a socket. */
export type EmulatorEnv = { Bindings: Partial<HttpBindings> };
