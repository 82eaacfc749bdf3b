import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface DynamoProcess {
  endpoint: string;
  close(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./dynamo-child.ts', import.meta.url));

/**
 * dynalite in its own process: in the server's process it would share one event loop with the
 * handlers it serves, and the benchmark would measure the stand-in more than Reelay.
 */
export function startDynamoProcess(): Promise<DynamoProcess> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('exit', (code) => reject(new Error(`dynalite process exited with ${code}`)));
    child.once('message', (endpoint: string) =>
      resolve({
        endpoint,
        close: () =>
          new Promise((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      }),
    );
  });
}
