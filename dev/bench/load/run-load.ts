import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from './protocol.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

/**
 * Runs one load in a child process and answers its result. `onStart` is called the moment the
 * child is told to go (after its startup), so callers can time from there.
 */
export function runLoad(spec: LoadSpec, onStart?: () => void): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    // the child stops sending at maxMs; this only catches a child that hangs
    const guard = setTimeout(() => child.kill('SIGKILL'), spec.maxMs + spec.requestTimeoutMs + 30_000);
    child.on('message', (message: 'ready' | LoadResult) => {
      if (message === 'ready') {
        onStart?.();
        child.send(spec);
      } else {
        clearTimeout(guard);
        resolve(message);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(guard);
      reject(new Error(`load generator exited with ${code} before answering`));
    });
  });
}
