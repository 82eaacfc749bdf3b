import { afterAll, beforeAll } from 'vitest';
import { type FalEmulator, type FalEmulatorOptions, startFalEmulator } from '../../dev/fal-emulator/index.ts';

/** Fast timings for tests; webhook retries in tens of ms. */
export const FAST: FalEmulatorOptions = {
  queueMs: 40,
  generationMs: 80,
  webhookRetryDelaysMs: [30, 60],
  webhookTimeoutMs: 2_000,
};

export const SEEDANCE_T2V = 'fal-ai/bytedance/seedance/v1.5/pro/text-to-video';

/** An emulator of its own on a free port, with FAST timings unless `options` say otherwise. */
export function startTestEmulator(options: FalEmulatorOptions = {}): Promise<FalEmulator> {
  return startFalEmulator({ ...FAST, ...options });
}

/**
 * The suite's emulator: started before its first test and closed after its last (call it in a
 * `describe`, use it in hooks and tests only).
 */
export function useTestEmulator(options: FalEmulatorOptions = {}): FalEmulator {
  let current: FalEmulator | undefined;
  beforeAll(async () => {
    current = await startTestEmulator(options);
  });
  afterAll(() => current?.close());
  return new Proxy({} as FalEmulator, {
    get(_, name) {
      if (!current) throw new Error('the suite’s emulator is used before its beforeAll ran');
      return Reflect.get(current, name);
    },
  });
}
