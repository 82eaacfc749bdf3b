import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHAOS_SOURCES, runChaos } from '../../dev/chaos/chaos.ts';
import { CHAOS_FAULTS } from '../../dev/chaos/faults.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'reelay-chaos-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('chaos: a small run of npm run chaos', () => {
  it('every fault once, more at random, concurrent clients and a SIGKILL mid-run: nothing lost, nothing twice', async () => {
    const lines: string[] = [];
    const report = await runChaos({
      jobs: CHAOS_FAULTS.length + 16,
      // a third of the rest are extensions and sequences, meeting faults at every step
      multiStepShare: 0.35,
      faultRate: 0.5,
      everyFaultFirst: true,
      clients: 6,
      restarts: 1,
      seed: 20261121,
      drainTimeoutMs: 120_000,
      dataDir,
      // the production lease and schedule scaled down, so a killed archive is taken over within seconds
      env: {
        REELAY_ARCHIVE_LEASE_SECONDS: '6',
        REELAY_ARCHIVE_PICKUP_SECONDS: '10',
        REELAY_LOCAL_RECONCILE_SECONDS: '1',
        REELAY_RECONCILE_BATCH: '200',
      },
      log: (line) => lines.push(line),
    });
    expect(report.problems, lines.join('\n')).toEqual([]);
    expect(report).toMatchObject({
      created: CHAOS_FAULTS.length + 16 + CHAOS_SOURCES,
      lost: 0,
      duplicateSubmits: 0,
      duplicateArchives: 0,
      unexpectedOutcomes: 0,
      strayJobs: 0,
      restarts: 1,
      // the subscribed receiver accepted every ended job's event, each signed with its endpoint's secret
      eventsLost: 0,
      badSignatures: 0,
      eventsDelivered: CHAOS_FAULTS.length + 16 + CHAOS_SOURCES,
    });
    // a client held the live event stream across the kill (reopening it) and saw every ended job's final
    // event, on that stream or on one it opened for the video afterwards
    expect(report.live).toMatchObject({ finalMissing: 0 });
    expect(report.live?.reconnects).toBeGreaterThanOrEqual(1);
    expect((report.live?.finalSeenLive ?? 0) + (report.live?.finalSeenOnReconnect ?? 0)).toBe(report.created);
    // every archive the kill cut off was taken over by another worker (how soon: npm run chaos reports it)
    expect(report.takeovers.takenOver).toBe(report.takeovers.orphanedLeases);
    for (const fault of CHAOS_FAULTS) expect(report.faults[fault.name]).toBeGreaterThanOrEqual(1);
    expect(report.kinds.extension).toBeGreaterThanOrEqual(1);
    expect(report.kinds.sequence).toBeGreaterThanOrEqual(1);
    // each completed job written to S3 exactly once, and nothing else written
    expect(report.s3Writes).toBe(report.completed);
    expect(report.completed + report.failed).toBe(report.created);
  }, 240_000);
});
