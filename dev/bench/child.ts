import { fork } from 'node:child_process';

/**
 * Runs one task in a fresh Node process (TypeScript through tsx) and answers its result. The
 * child says 'ready' once loaded, then gets the task; `onStart` fires at that moment, so callers
 * time the work and not the child's startup. A child silent past `limitMs` is killed.
 */
export function inChild<Task, Result>(
  file: string,
  task: Task,
  options: { limitMs: number; onStart?: () => void },
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = fork(file, {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), options.limitMs);
    child.on('message', (message: 'ready' | Result) => {
      if (message === 'ready') {
        options.onStart?.();
        child.send(task as object);
      } else {
        clearTimeout(guard);
        resolve(message);
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      // after a result this changes nothing: a promise settles once
      reject(new Error(`child ${file} exited (${signal ?? code}) without a result`));
    });
  });
}

/** The child's side: waits for its task, runs it, sends the result and exits. */
export function serveTask<Task, Result>(work: (task: Task) => Promise<Result>): void {
  process.once('message', (task: Task) => {
    work(task).then(
      (result) => process.send?.(result as object, () => process.exit(0)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
  process.send?.('ready');
}
