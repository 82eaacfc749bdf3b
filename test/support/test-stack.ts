import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FalEmulatorOptions } from '../../dev/fal-emulator/index.ts';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../dev/local-stack.ts';
import type { Deps } from '../../functions/core/deps.ts';
import type { Job } from '../../functions/core/domain/job.ts';
import type { VideoObject } from '../../functions/core/domain/video-object.ts';
import { OTHER_KEY, OTHER_TENANT } from './other-tenant.ts';

export interface TestStack extends LocalStack {
  dataDir: string;
  /** Moves the service's clock (not the emulator's) forward: leases, retries and overdue webhooks come due. */
  advance(ms: number): void;
  api(path: string, init?: RequestInit & { key?: string | null }): Promise<Response>;
  createVideo(body: Record<string, unknown>): Promise<VideoObject>;
  job(id: string): Promise<Job>;
  /** Waits until the job is in one of `states` (queue work included), failing after `timeoutMs`. */
  waitForJob(id: string, states: Job['state'][], timeoutMs?: number): Promise<Job>;
  /**
   * Until the job has ended and its event's first delivery run is recorded (the job's last write when
   * no sink fails): a snapshot taken then stays as it is. Answers the job.
   */
  waitForEnd(id: string, timeoutMs?: number): Promise<Job>;
  /**
   * Until the job ends, with the schedule's help as on AWS: work a queue dropped (a redelivery that
   * found the job leased deletes its message) is sent again by the reconciler after the pickup time.
   */
  settle(id: string): Promise<Job>;
  close(): Promise<void>;
}

export interface TestStackOptions {
  emulator?: Partial<FalEmulatorOptions>;
  env?: Record<string, string>;
  /** Reuse a data dir (restart tests); it is then not removed on close. */
  dataDir?: string;
  inMemory?: boolean;
  /** Adapters to swap in (e.g. a URL guard with a fake DNS); the movable clock is always the stack's. */
  deps?: Partial<Deps>;
  /** Each function's own dependencies (dev/local-stack.ts). */
  depsFor?: LocalStackOptions['depsFor'];
}

/** The local stack on free ports with fast fal timings, no schedule (tests reconcile by hand) and a movable clock. */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'reelay-test-'));
  let offset = 0;
  const stack = await startLocalStack({
    env: {
      PORT: '0',
      REELAY_DATA_DIR: dataDir,
      // longer than an archive attempt takes under a loaded run: a message redelivered while its first
      // receipt still runs is acked by the duplicate (lease held) and lost if the first then fails
      REELAY_LOCAL_QUEUE_VISIBILITY_SECONDS: '1',
      REELAY_API_KEYS: `${OTHER_TENANT}:${OTHER_KEY}`,
      // tests that are not about rate limits must never meet one
      REELAY_DEFAULT_REQUESTS_PER_MINUTE: '100000',
      REELAY_DEFAULT_CREATES_PER_MINUTE: '10000',
      // nor a concurrency cap or a budget (test/integration/limits/ sets its own)
      REELAY_DEFAULT_MAX_ACTIVE_JOBS: '1000',
      REELAY_DEFAULT_MAX_QUEUED_JOBS: '1000',
      REELAY_DEFAULT_DAILY_BUDGET_USD: '100000',
      REELAY_MAX_ACTIVE_JOBS: '2000',
      // archiving asks fal for each video's cost (a result call); tests that count fal calls expect none
      REELAY_ACTUAL_COST: 'off',
      // nor extract-frame calls and image downloads (test/integration/edits/thumbnails.test.ts turns them on)
      REELAY_THUMBNAILS: 'false',
      FAL_KEY: '',
      PUBLIC_URL: '',
      ...options.env,
    },
    inMemory: options.inMemory ?? true,
    schedule: false,
    emulator: { queueMs: 20, generationMs: 150, webhookRetryDelaysMs: [100, 200, 400], ...options.emulator },
    deps: { ...options.deps, now: () => Date.now() + offset },
    depsFor: options.depsFor,
  });

  const api: TestStack['api'] = (path, init = {}) => {
    const { key = stack.apiKey, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (key !== null) headers.set('authorization', `Bearer ${key}`);
    return fetch(`${stack.url}${path}`, { ...rest, headers, redirect: 'manual' });
  };

  const job = async (id: string) => {
    const found = await stack.deps.jobs.get(id);
    if (!found) throw new Error(`no job ${id}`);
    return found;
  };

  const waitForJob: TestStack['waitForJob'] = async (id, states, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = await job(id);
      if (states.includes(current.state)) return current;
      if (Date.now() > deadline)
        throw new Error(`job ${id} stayed ${current.state}; wanted ${states.join('|')}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  const waitForEnd: TestStack['waitForEnd'] = async (id, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    await waitForJob(id, ['completed', 'failed'], timeoutMs);
    for (;;) {
      const current = await job(id);
      if (current.outbox?.sinks !== undefined && current.outbox.leaseUntil === undefined) return current;
      if (Date.now() > deadline) throw new Error(`job ${id} ended, but its event was not taken for delivery`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  return {
    ...stack,
    waitForJob,
    waitForEnd,
    dataDir,
    advance: (ms) => {
      offset += ms;
    },
    api,
    job,
    async createVideo(body) {
      const response = await api('/v1/videos', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status !== 200)
        throw new Error(`create answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as VideoObject;
    },
    async settle(id) {
      for (let round = 0; ; round++) {
        try {
          return await waitForJob(id, ['completed', 'failed'], 4_000);
        } catch (error) {
          if (round === 5) throw error;
          offset += stack.deps.policy.archivePickupMs;
          await stack.reconcile();
        }
      }
    },
    async close() {
      await stack.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
