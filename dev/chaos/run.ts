import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runChaos } from './chaos.ts';
import type { ChaosReport } from './report.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** `npm run chaos -- [--jobs 500] [--rate 0.3] [--clients 16] [--restarts 2] [--seed N] [--every-fault] [--max-active N]` */
const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '500' },
    rate: { type: 'string', default: '0.3' },
    clients: { type: 'string', default: '16' },
    restarts: { type: 'string', default: '2' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    'drain-timeout': { type: 'string', default: '600' },
    'every-fault': { type: 'boolean', default: false },
    'max-active': { type: 'string' },
  },
});
const number = (name: keyof typeof values) => {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number`);
  return value;
};

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const dataDir = resolve('.data', 'chaos', stamp);
const options = {
  jobs: number('jobs'),
  faultRate: number('rate'),
  everyFaultFirst: values['every-fault'],
  ...(values['max-active'] !== undefined && { maxActiveJobs: number('max-active') }),
  clients: number('clients'),
  restarts: number('restarts'),
  seed: number('seed'),
  drainTimeoutMs: number('drain-timeout') * 1000,
  dataDir,
};
console.log(`chaos: ${JSON.stringify(options)}`);
const report = await runChaos({ ...options, log: (line) => console.log(`  ${line}`) });
mkdirSync(dataDir, { recursive: true });
writeFileSync(join(dataDir, 'report.json'), `${JSON.stringify({ options, report }, null, 2)}\n`);
print(report);
console.log(`\nreport: ${join(dataDir, 'report.json')}`);
const clean =
  report.lost +
    report.duplicateSubmits +
    report.duplicateArchives +
    report.strayJobs +
    // a job that ended otherwise than its faults demand (e.g. failed where it should have finished)
    report.unexpectedOutcomes +
    report.eventsLost +
    (report.live?.finalMissing ?? 0) +
    report.badSignatures ===
  0;
console.log(
  clean
    ? 'PASS: nothing lost, nothing duplicated, every job ended as its faults demand, every event delivered'
    : 'FAIL: see problems above',
);
process.exit(clean ? 0 : 1);

function seconds(ms: number | null): string {
  return ms === null ? '— (no archive was running at a kill)' : `${(ms / 1000).toFixed(1)} s`;
}

function print(report: ChaosReport): void {
  const rows: Array<[string, string | number]> = [
    ['created', `${report.created} ${JSON.stringify(report.kinds)}`],
    ['completed', `${report.completed} ${JSON.stringify(report.completedByKind)}`],
    ['failed', `${report.failed} ${JSON.stringify(report.failedByReason)}`],
    ['lost', report.lost],
    ['duplicate submits', report.duplicateSubmits],
    ['duplicate archives', report.duplicateArchives],
    ['unexpected outcomes', report.unexpectedOutcomes],
    ['stray jobs', report.strayJobs],
    ['scene jobs (parallel sequences)', report.scenes],
    ['fal submits accepted', report.falSubmits],
    ['fal webhook attempts', report.falWebhookAttempts],
    ['S3 writes (videos)', report.s3Writes],
    ['S3 writes (thumbnails, spritesheets)', report.imageWrites],
    ['events delivered (subscribed receiver)', report.eventsDelivered],
    ['events lost', report.eventsLost],
    ['duplicate deliveries', report.duplicateDeliveries],
    ['bad signatures', report.badSignatures],
    [
      'live stream: final events seen',
      report.live
        ? `${report.live.finalSeenLive} held, ${report.live.finalSeenOnReconnect} on reconnect, ${report.live.finalMissing} missing`
        : '—',
    ],
    ['live stream: reopened after kills', report.live?.reconnects ?? '—'],
    [
      'live stream: events per job (min/median/max)',
      report.live ? Object.values(report.live.eventsPerJob).join('/') : '—',
    ],
    ['live stream: events by type', JSON.stringify(report.live?.eventsByType ?? {})],
    ['service restarts (SIGKILL)', report.restarts],
    [
      'archives cut off by a kill',
      `${report.takeovers.orphanedLeases} (${report.takeovers.takenOver} taken over)`,
    ],
    ['longest kill → every archive taken over', seconds(report.takeovers.longestKillToTakeoverMs)],
    ['  counted from the restart', seconds(report.takeovers.longestRestartToTakeoverMs)],
    ['client retries', JSON.stringify(report.clientTrouble)],
    ['time to create', `${(report.timings.createMs / 1000).toFixed(1)} s`],
    ['time to drain after the last create', `${(report.timings.drainMs / 1000).toFixed(1)} s`],
    ['total', `${(report.timings.totalMs / 1000).toFixed(1)} s`],
  ];
  console.log('');
  for (const [name, value] of rows) console.log(`  ${name.padEnd(38)} ${value}`);
  console.log('\n  faults injected:');
  for (const [name, count] of Object.entries(report.faults).sort())
    console.log(`    ${name.padEnd(36)} ${count}`);
  console.log('\n  faults at untagged steps (the next frame or merge of any job):');
  for (const [name, count] of Object.entries(report.stepFaults).sort())
    console.log(`    ${name.padEnd(36)} ${count}`);
  if (report.problems.length > 0) {
    console.log('\n  problems:');
    for (const problem of report.problems) console.log(`    ${problem}`);
  }
}
