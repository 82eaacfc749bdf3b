import { pipeline, type Readable, Transform } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { VideoArchive } from '../../functions/core/archive/video-archive.ts';
import type { Deps } from '../../functions/core/deps.ts';
import type { Job } from '../../functions/core/domain/job.ts';
import { archiveVideo } from '../../functions/core/jobs/archive-video.ts';
import type { JobStore } from '../../functions/core/store/job-store.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

// production lease (60 s on the service's movable clock); renewals every 50 ms of real time, so a
// test moves the clock by many leases while a worker stays alive
let stack: TestStack;
const sent: string[] = [];
beforeAll(async () => {
  stack = await startTestStack({
    env: { REELAY_ARCHIVE_LEASE_RENEW_SECONDS: '0.05' },
    // videos large enough that a held upload holds the download too (backpressure)
    emulator: { outputPaddingBytes: 3 * 1024 * 1024 },
    // archive messages are recorded, not run: each test runs its workers itself
    deps: { archiveQueue: { enqueue: async (jobId) => void sent.push(jobId) } },
  });
});
afterAll(() => stack.close());

const sentFor = (id: string) => sent.filter((sentId) => sentId === id).length;
const keyOf = (id: string) => `videos/local/${id}.mp4`;
const leaseMs = () => stack.deps.policy.archiveLeaseMs;

/** A job fal has finished, whose archive message was recorded and not run. */
async function generatedJob(prompt: string): Promise<Job> {
  const video = await stack.createVideo({ prompt, seconds: '4' });
  const job = await stack.waitForJob(video.id, ['generated']);
  await vi.waitFor(() => expect(sentFor(job.id)).toBe(1));
  return job;
}

/**
 * One archive worker whose process can be frozen: `freeze` stops its table calls (a stopped
 * sandbox, a long pause; one that never thaws is a kill), `holdUpload` stops its upload stream.
 */
function worker() {
  const valve = () => {
    let closed: Promise<void> | undefined;
    let open: () => void = () => {};
    return {
      async pass() {
        while (closed) await closed;
      },
      close() {
        closed ??= new Promise((resolve) => {
          open = () => {
            closed = undefined;
            resolve();
          };
        });
      },
      open: () => open(),
    };
  };
  const table = valve();
  const upload = valve();
  const saves: Job[] = [];
  const store = stack.deps.jobs;
  const jobs: JobStore = {
    ...store,
    get: async (id) => {
      await table.pass();
      return store.get(id);
    },
    save: async (next) => {
      await table.pass();
      const written = await store.save(next);
      if (written) saves.push(next);
      return written;
    },
  };
  const gate = () =>
    new Transform({
      transform(chunk, _encoding, done) {
        upload.pass().then(() => done(null, chunk));
      },
    });
  const archive: VideoArchive = {
    ...stack.deps.archive,
    put: (key: string, body: Readable, contentType: string, metadata?: Record<string, string>) =>
      stack.deps.archive.put(
        key,
        pipeline(body, gate(), () => {}),
        contentType,
        metadata,
      ),
  };
  return {
    deps: { ...stack.deps, jobs, archive } satisfies Deps,
    /** Conditional writes this worker got through: its claim, its renewals, its record. */
    saves,
    freeze: table.close,
    holdUpload: upload.close,
    thaw() {
      table.open();
      upload.open();
    },
  };
}

/** Until the job's lease has been renewed past `version` at the service's current time. */
async function freshlyRenewed(id: string, version: number): Promise<Job> {
  let job: Job | undefined;
  await vi.waitFor(
    async () => {
      job = await stack.job(id);
      expect(job.archiveLease?.version ?? 0).toBeGreaterThan(version);
      expect(job.archiveLease?.until ?? 0).toBeGreaterThan(stack.deps.now() + leaseMs() * 0.9);
    },
    { timeout: 10_000, interval: 10 },
  );
  return job as Job;
}

describe('archive leases renewed by a live worker', () => {
  it('a worker killed mid-archive is taken over once its lease runs out, and the video is archived once', async () => {
    const count = vi.spyOn(stack.deps.metrics, 'count');
    const job = await generatedJob('a kite over dunes');
    const dying = worker();
    dying.holdUpload();
    const first = archiveVideo(dying.deps, job.id);
    await freshlyRenewed(job.id, 0);
    dying.freeze();
    const killedAt = stack.deps.now();

    // inside the lease nobody takes over
    stack.advance(leaseMs() / 2);
    await stack.reconcile();
    expect(sentFor(job.id)).toBe(1);
    expect(await archiveVideo(stack.deps, job.id)).toBe('skipped');

    // one lease after the kill: the reconciler sends it again, and the next worker takes it over
    stack.advance(leaseMs() / 2);
    expect((await stack.job(job.id)).archiveLease?.until).toBeLessThanOrEqual(killedAt + leaseMs());
    await stack.reconcile();
    expect(sentFor(job.id)).toBe(2);
    expect(await archiveVideo(stack.deps, job.id)).toBe('completed');
    // once the video.completed event is taken, nothing else writes the job
    const done = await stack.waitForEnd(job.id);
    expect(done).toMatchObject({ state: 'completed', archiveAttempts: 2 });
    expect(stack.objectWrites.get(keyOf(job.id))).toBe(1);
    expect(count).toHaveBeenCalledWith('ArchiveLeaseTakenOver', { jobId: job.id });

    // were the dead worker to wake up, it records nothing and writes no object
    dying.thaw();
    expect(await first).toBe('skipped');
    expect(await stack.job(job.id)).toEqual(done);
    expect(stack.objectWrites.get(keyOf(job.id))).toBe(1);
    count.mockRestore();
  });

  it('a slow but live worker keeps its lease through an archive many leases long, and is not duplicated', async () => {
    const count = vi.spyOn(stack.deps.metrics, 'count');
    const info = vi.spyOn(stack.deps.logger, 'info');
    const job = await generatedJob('a glacier, slowly');
    const slow = worker();
    // the upload stands still while the worker keeps renewing (its table calls go through)
    slow.holdUpload();
    const copying = archiveVideo(slow.deps, job.id);
    let version = 0;
    for (let round = 0; round < 10; round++) {
      version = (await freshlyRenewed(job.id, version)).archiveLease?.version ?? 0;
      // two thirds of a lease on the service's clock, then everything that could take the job over tries
      stack.advance((leaseMs() * 2) / 3);
      await stack.reconcile();
      expect(await archiveVideo(stack.deps, job.id)).toBe('skipped');
    }
    expect(sentFor(job.id)).toBe(1);
    slow.thaw();
    expect(await copying).toBe('completed');

    // once the video.completed event is taken, nothing else writes the job
    const done = await stack.waitForEnd(job.id);
    expect(done).toMatchObject({ state: 'completed', archiveAttempts: 1 });
    expect(stack.objectWrites.get(keyOf(job.id))).toBe(1);
    expect(count).not.toHaveBeenCalledWith('ArchiveLeaseTakenOver', expect.anything());
    // every renewal is one conditional write, and the count is logged with the bytes it kept alive
    const renewals = slow.saves.filter((saved) => (saved.archiveLease?.version ?? 0) > 1).length;
    expect(slow.saves).toHaveLength(1 + renewals + 1);
    expect(renewals).toBeGreaterThanOrEqual(10);
    expect(info).toHaveBeenCalledWith(
      'video archived',
      expect.objectContaining({ jobId: job.id, bytes: done.archive?.bytes, leaseRenewals: renewals }),
    );
    count.mockRestore();
    info.mockRestore();
  });

  it('a worker paused past its lease does not record over the one that took over, nor write its object', async () => {
    const warn = vi.spyOn(stack.deps.logger, 'warn');
    const job = await generatedJob('a heron, frozen mid-step');
    const paused = worker();
    paused.holdUpload();
    const first = archiveVideo(paused.deps, job.id);
    await freshlyRenewed(job.id, 1);
    paused.freeze();

    stack.advance(leaseMs() + 1);
    await stack.reconcile();
    expect(sentFor(job.id)).toBe(2);
    expect(await archiveVideo(stack.deps, job.id)).toBe('completed');
    // once the video.completed event is taken, nothing else writes the job
    const done = await stack.waitForEnd(job.id);
    expect(done).toMatchObject({ state: 'completed', archiveAttempts: 2 });

    paused.thaw();
    expect(await first).toBe('skipped');
    expect(warn).toHaveBeenCalledWith(
      'archive stopped: its lease was lost',
      expect.objectContaining({ jobId: job.id }),
    );
    expect(await stack.job(job.id)).toEqual(done);
    expect(stack.objectWrites.get(keyOf(job.id))).toBe(1);
    // its claim and renewals are all it wrote
    expect(paused.saves.length).toBeGreaterThanOrEqual(2);
    expect(paused.saves.every((saved) => saved.state === 'generated')).toBe(true);
    warn.mockRestore();
  });
});
