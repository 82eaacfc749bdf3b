import { fileURLToPath } from 'node:url';
import { inChild } from '../child.ts';
import type { LoadResult, LoadSpec } from './protocol.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** Runs one load from its own process; `onStart` fires as it starts sending. */
export function runLoad(spec: LoadSpec, onStart?: () => void): Promise<LoadResult> {
  return inChild<LoadSpec, LoadResult>(WORKER, spec, {
    // the child stops sending at maxMs; this only catches one that hangs
    limitMs: spec.maxMs + spec.requestTimeoutMs + 30_000,
    ...(onStart && { onStart }),
  });
}
