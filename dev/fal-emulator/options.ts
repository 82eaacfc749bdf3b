export interface FalEmulatorOptions {
  host?: string;
  port?: number;
  stateDir?: string;
  queueMs?: number;
  generationMs?: number;
  mediaTtlMs?: number;
  webhookRetryDelaysMs?: number[];
  webhookTimeoutMs?: number;
  outputPaddingBytes?: number;
  apiKey?: string;
  userId?: string;
  log?: (line: string) => void;
}

export type ResolvedOptions = Required<Omit<FalEmulatorOptions, 'stateDir' | 'apiKey'>> &
  Pick<FalEmulatorOptions, 'stateDir' | 'apiKey'>;

/** fal retries webhooks 10 times over about 2 hours: 1 s growing ×2.5 sums to ~1.8 h. */
export const DEFAULT_WEBHOOK_RETRY_DELAYS_MS: readonly number[] = Object.freeze(
  Array.from({ length: 10 }, (_, i) => Math.round(1000 * 2.5 ** i)),
);

export const DEFAULT_USER_ID = 'fal-emulator-user-0001';

export function resolveOptions(options: FalEmulatorOptions = {}): ResolvedOptions {
  const resolved: ResolvedOptions = {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    stateDir: options.stateDir,
    queueMs: options.queueMs ?? 300,
    generationMs: options.generationMs ?? 3000,
    mediaTtlMs: options.mediaTtlMs ?? 3_600_000,
    webhookRetryDelaysMs: [...(options.webhookRetryDelaysMs ?? DEFAULT_WEBHOOK_RETRY_DELAYS_MS)],
    webhookTimeoutMs: options.webhookTimeoutMs ?? 15_000,
    outputPaddingBytes: options.outputPaddingBytes ?? 0,
    apiKey: options.apiKey,
    userId: options.userId ?? DEFAULT_USER_ID,
    log: options.log ?? (() => {}),
  };
  const counts = {
    queueMs: resolved.queueMs,
    generationMs: resolved.generationMs,
    mediaTtlMs: resolved.mediaTtlMs,
    webhookTimeoutMs: resolved.webhookTimeoutMs,
    outputPaddingBytes: resolved.outputPaddingBytes,
  };
  for (const [name, value] of Object.entries(counts)) assertCount(name, value);
  for (const [i, delay] of resolved.webhookRetryDelaysMs.entries())
    assertCount(`webhookRetryDelaysMs[${i}]`, delay);
  return resolved;
}

// A typo'd negative delay would silently fire at once; fail at start instead.
function assertCount(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`fal emulator: ${name} must be >= 0, got ${value}`);
}
