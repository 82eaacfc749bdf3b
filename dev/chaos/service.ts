import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `npm start` as a child process that can be killed without warning (SIGKILL: no shutdown hook
 * runs, in-flight work is cut) and started again on the same port and data, as Lambda would be.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private readonly log: WriteStream;
  starts = 0;

  constructor(
    private readonly env: Record<string, string>,
    private readonly url: string,
    logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  async start(timeoutMs = 60_000): Promise<void> {
    this.starts++;
    const child = spawn(process.execPath, ['--import', 'tsx', 'dev/start.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null)
        throw new Error(`the service exited with ${child.exitCode} while starting`);
      const healthy = await fetch(`${this.url}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
      if (healthy) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the service did not answer /healthz within ${timeoutMs} ms`);
  }

  /** SIGKILL, like a Lambda sandbox torn down mid-request. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** A clean stop (SIGTERM: the server finishes what it holds). */
  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await new Promise<void>((resolve) => this.log.end(resolve));
  }
}
