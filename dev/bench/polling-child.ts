import { serveTask } from './child.ts';
import { pollingSample } from './polling-clients.ts';

/** Entry of the polling sample's process: its emulator and clients get an event loop of their own. */
serveTask((task: { jobs: number; generationMs: number; pollIntervalMs: number }) =>
  pollingSample(task.jobs, task.generationMs, task.pollIntervalMs),
);
