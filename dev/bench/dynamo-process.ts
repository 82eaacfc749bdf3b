import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface DynamoProcess {
  endpoint: string;
  /** The dynalite process's CPU time so far, in ms (user + system). */
  cpuMs(): Promise<number>;
  close(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./dynamo-child.ts', import.meta.url));

type ChildMessage = { endpoint: string } | { cpu: number; usage: NodeJS.CpuUsage };

/**
 * dynalite in its own process: in the server's process it would share one event loop with the
 * handlers it serves, and the benchmark would measure the stand-in more than Reelay.
 * `cpuProfileDir` runs it under `--cpu-prof`: a V8 profile of the stand-in, written when it closes.
 */
export function startDynamoProcess(options: { cpuProfileDir?: string } = {}): Promise<DynamoProcess> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, {
      execArgv: [
        '--import',
        'tsx',
        ...(options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let asked = 0;
    const answers = new Map<number, (ms: number) => void>();
    child.on('message', (message: ChildMessage) => {
      if ('endpoint' in message) {
        resolve({
          endpoint: message.endpoint,
          cpuMs: () =>
            new Promise((answer) => {
              const id = ++asked;
              answers.set(id, answer);
              child.send({ cpu: id });
            }),
          close: () =>
            new Promise((done) => {
              child.removeAllListeners('exit');
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
        return;
      }
      const answer = answers.get(message.cpu);
      answers.delete(message.cpu);
      answer?.((message.usage.user + message.usage.system) / 1000);
    });
    child.once('exit', (code) => reject(new Error(`dynalite process exited with ${code}`)));
  });
}
