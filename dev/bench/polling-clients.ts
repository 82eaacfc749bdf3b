import { createFalClient } from '@fal-ai/client';
import { rewriteFalHosts } from '../../functions/core/fal/client/fal-gateway.ts';
import { startFalEmulator } from '../fal-emulator/index.ts';

export interface PollingSample {
  jobs: number;
  generationMs: number;
  pollIntervalMs: number;
  /** HTTP requests the clients made to fal, per job: submit, status polls, result. */
  requestsPerJob: number;
  submits: number;
  statusCalls: number;
  resultCalls: number;
}

/**
 * The pattern Reelay replaces: each client holds `fal.subscribe` open, polling fal's queue every
 * `pollIntervalMs` until its video is done. Measured on a separate emulator, counting every call.
 */
export async function pollingSample(
  jobs: number,
  generationMs: number,
  pollIntervalMs: number,
): Promise<PollingSample> {
  const emulator = await startFalEmulator({ generationMs });
  try {
    const fal = createFalClient({
      credentials: 'bench-key',
      requestMiddleware: rewriteFalHosts(emulator.url, emulator.url),
    });
    await Promise.all(
      Array.from({ length: jobs }, (_, i) =>
        fal.subscribe('fal-ai/bytedance/seedance/v1.5/pro/text-to-video', {
          input: { prompt: `a red fox in fresh snow, take ${i}`, duration: '5' },
          pollInterval: pollIntervalMs,
          mode: 'polling',
        }),
      ),
    );
    const stats = emulator.stats();
    return {
      jobs,
      generationMs,
      pollIntervalMs,
      requestsPerJob: (stats.submits + stats.statusCalls + stats.resultCalls) / jobs,
      submits: stats.submits,
      statusCalls: stats.statusCalls,
      resultCalls: stats.resultCalls,
    };
  } finally {
    await emulator.close();
  }
}
