import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createApp } from './app.ts';
import type { EmulatorContext } from './context.ts';
import { FaultQueue } from './faults/queue.ts';
import type { FalFault } from './faults/schema.ts';
import { FileStore } from './files.ts';
import { layoutBuffer } from './media.ts';
import { type FalEmulatorOptions, resolveOptions } from './options.ts';
import { type PersistedState, StateFile } from './persistence.ts';
import { RequestQueue } from './queue.ts';
import { WebhookSigner } from './signer.ts';
import { emptyStats, snapshotStats } from './stats.ts';
import type { EmulatedRequest, FalEmulatorStats, WebhookAttempt } from './types.ts';
import { toEmulatedRequest } from './views.ts';
import { WebhookSender } from './webhooks.ts';

export interface FalEmulator {
  readonly url: string;
  readonly jwksUrl: string;
  /** The fal user id its webhooks are signed for. */
  readonly userId: string;
  injectFault(fault: FalFault): void;
  clearFaults(): void;
  stats(): FalEmulatorStats;
  request(requestId: string): EmulatedRequest | undefined;
  /** Every request accepted so far, in submit order. */
  requests(): EmulatedRequest[];
  /**
   * The delivery log: every webhook POST made (the latest 1,000), each with the answer it got, in
   * the order they ended. Tests assert against it rather than wait and see that nothing arrived.
   */
  webhookAttempts(requestId?: string): WebhookAttempt[];
  outputBytes(requestId: string): Promise<Buffer>;
  setGenerationMs(ms: number): void;
  /** How long a request takes from submit to its result when nothing fails: queue wait plus generation. */
  typicalMs(): number;
  close(): Promise<void>;
}

/** The emulator's media work, for later steps (fal's ffmpeg merge-videos and extract-frame). */
export { type ClipSpec, clipSpec, extractFrame, mergeClips, readClip, renderClip } from './video/clip.ts';
export { readMp4Header } from './video/mp4.ts';
export type { EmulatedRequest, FalEmulatorOptions, FalEmulatorStats, FalFault, WebhookAttempt };

// How long the runner waits for an image_url before answering file_download_error.
const IMAGE_TIMEOUT_MS = 5_000;

/** Starts a fal emulator (queue API, rest API, CDN) on one port. */
export async function startFalEmulator(options: FalEmulatorOptions = {}): Promise<FalEmulator> {
  const config = resolveOptions(options);
  const stats = emptyStats();
  const faults = new FaultQueue();
  const closing = new AbortController();
  let baseUrl = '';
  let generationMs = config.generationMs;

  const snapshot = (): PersistedState => ({
    version: 1,
    key: signer.toStored(),
    requests: queue.all(),
    files: files.all(),
  });
  const stateFile = config.stateDir ? new StateFile(config.stateDir, snapshot) : undefined;
  const persisted = stateFile?.load();
  const save = () => stateFile?.save();

  const signer = new WebhookSigner(persisted?.key);
  const files = new FileStore(stateFile, save);
  files.load(persisted?.files ?? []);
  const webhooks = new WebhookSender({
    signer,
    userId: config.userId,
    timeoutMs: config.webhookTimeoutMs,
    retryDelaysMs: config.webhookRetryDelaysMs,
    stats,
    save,
    log: config.log,
  });
  const queue = new RequestQueue({
    queueMs: config.queueMs,
    generationMs: () => generationMs,
    mediaTtlMs: config.mediaTtlMs,
    paddingBytes: config.outputPaddingBytes,
    imageTimeoutMs: IMAGE_TIMEOUT_MS,
    baseUrl: () => baseUrl,
    files,
    webhooks,
    save,
    log: config.log,
    // The runner reads the emulator's own CDN directly, so image inputs never touch CDN stats or faults.
    readLocal: async (url) => {
      const prefix = `${baseUrl}/files/`;
      if (!url.startsWith(prefix)) return 'not-local';
      const file = files.get(url.slice(prefix.length).split('/')[0] ?? '');
      const layout = file && !files.isExpired(file) ? await files.layout(file) : undefined;
      return layout ? layoutBuffer(layout) : 'missing';
    },
  });

  const ctx: EmulatorContext = {
    apiKey: config.apiKey,
    baseUrl: () => baseUrl,
    stats,
    faults,
    queue,
    files,
    signer,
    closing: closing.signal,
    save,
    log: config.log,
  };
  const server = createAdaptorServer({ fetch: createApp(ctx, config.mediaTtlMs).fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${urlHost(config.host)}:${port}`;
  queue.load(persisted?.requests ?? []);
  // Persist the key at once: a restart must keep the JWKS a receiver may have cached.
  save();
  config.log(`fal emulator listening on ${baseUrl}${persisted ? ' (resumed)' : ''}`);

  return {
    url: baseUrl,
    jwksUrl: `${baseUrl}/.well-known/jwks.json`,
    userId: config.userId,
    injectFault: (fault) => void faults.add(fault),
    clearFaults: () => faults.clear(),
    stats: () => snapshotStats(stats),
    request: (requestId) => {
      const record = queue.get(requestId);
      return record ? toEmulatedRequest(baseUrl, record, files) : undefined;
    },
    requests: () =>
      queue
        .all()
        .map((record) => toEmulatedRequest(baseUrl, record, files))
        .sort((a, b) => a.submittedAt - b.submittedAt),
    webhookAttempts: (requestId) =>
      webhooks.attempts().filter((entry) => requestId === undefined || entry.requestId === requestId),
    outputBytes: async (requestId) => {
      const outcome = queue.get(requestId)?.outcome;
      const file = outcome?.kind === 'ok' && outcome.fileId ? files.get(outcome.fileId) : undefined;
      const layout = file ? await files.layout(file) : undefined;
      if (!layout) throw new Error(`fal emulator: request ${requestId} has no output video`);
      return layoutBuffer(layout);
    },
    setGenerationMs: (ms) => {
      generationMs = ms;
    },
    typicalMs: () => config.queueMs + generationMs,
    close: async () => {
      closing.abort();
      queue.close();
      await webhooks.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      save();
      await stateFile?.flush();
      config.log('fal emulator closed');
    },
  };
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
