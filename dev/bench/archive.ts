import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadConfig } from '../../functions/core/config.ts';
import type { Deps } from '../../functions/core/deps.ts';
import { markGenerated, markSubmitted } from '../../functions/core/domain/transitions.ts';
import { buildDeps } from '../../functions/core/wiring.ts';
import { ensureJobsTable } from '../embedded/dynamodb.ts';
import { startS3 } from '../embedded/s3.ts';
import type { CopyResult, CopyTask } from './archive-child.ts';
import { inChild } from './child.ts';
import { startDynamoProcess } from './dynamo-process.ts';
import { BENCH_DIR } from './paths.ts';
import { newJob } from './seed-jobs.ts';
import { startSourceServer } from './source-server.ts';
import { MiB, round } from './stats.ts';
import type { Bench, BenchResult } from './types.ts';

const SIZES = [100 * MiB, 1024 * MiB];
const CHILD = fileURLToPath(new URL('./archive-child.ts', import.meta.url));

const copy = (task: CopyTask) => inChild<CopyTask, CopyResult>(CHILD, task, { limitMs: 120_000 });

/** A job fal finished whose video sits at `url`: what the archiver finds when its message arrives. */
async function generatedJob(deps: Deps, url: string, bytes: number): Promise<string> {
  const now = deps.now();
  const submitted = markSubmitted(newJob(deps, 'local'), `bench-${now}`, now, deps.policy);
  const job = markGenerated(
    submitted,
    { requestId: submitted.requestId as string, video: { url, contentType: 'video/mp4', fileSize: bytes } },
    now,
    deps.policy,
  );
  await deps.jobs.create(job);
  return job.id;
}

async function run(): Promise<BenchResult> {
  const scratch = mkdtempSync(join(BENCH_DIR, 'archive-'));
  const dynamo = await startDynamoProcess();
  const s3 = await startS3({ directory: join(scratch, 's3'), bucket: 'reelay-videos' });
  const source = await startSourceServer();
  const env = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    REELAY_DYNAMODB_ENDPOINT: dynamo.endpoint,
    REELAY_S3_ENDPOINT: s3.endpoint,
    REELAY_VIDEO_BUCKET: 'reelay-videos',
    FAL_KEY: 'unused',
    // the source server stands in for fal's media host
    REELAY_ALLOW_LOCAL_URLS: 'true',
    REELAY_FAL_MEDIA_HOSTS: new URL(source.url(1)).host,
  };
  // the copies' metrics would be CloudWatch lines in the benchmark's output (its children inherit this)
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  const deps = buildDeps(loadConfig(env));
  try {
    await ensureJobsTable(
      new DynamoDBClient({ region: 'us-east-1', endpoint: dynamo.endpoint }),
      'reelay-jobs',
    );
    const measured = [];
    for (const bytes of SIZES) {
      const raw = await copy({ kind: 'raw', url: source.url(bytes), file: join(scratch, 'raw.bin') });
      rmSync(join(scratch, 'raw.bin'), { force: true });
      const jobId = await generatedJob(deps, source.url(bytes), bytes);
      const archived = await copy({ kind: 'archive', jobId, env });
      const key = `peer/${bytes}.mp4`;
      const upload = await copy({
        kind: 'upload',
        url: source.url(bytes),
        endpoint: s3.endpoint,
        bucket: 'reelay-videos',
        key,
      });
      await deps.archive.delete(key);
      const job = await deps.jobs.get(jobId);
      if (job?.state !== 'completed' || job.archive?.bytes !== bytes)
        throw new Error(`archive of ${bytes} bytes ended ${job?.state} with ${job?.archive?.bytes} bytes`);
      await deps.archive.delete(job.archive.key);
      measured.push({ bytes, raw, archived, upload });
    }
    const rate = (bytes: number, r: CopyResult) => round(bytes / MiB / (r.ms / 1000), 0);
    const rows = measured.flatMap(({ bytes, raw, archived, upload }) => {
      const size = `${round(bytes / MiB, 0)} MiB`;
      return [
        [
          `Reelay archive, ${size}`,
          rate(bytes, archived),
          round(archived.ms / 1000, 1),
          round(archived.rssBeforeMiB, 0),
          round(archived.peakRssMiB, 0),
          round(archived.peakRssMiB - archived.rssBeforeMiB, 0),
        ],
        [
          `peer: plain lib-storage Upload, ${size}`,
          rate(bytes, upload),
          round(upload.ms / 1000, 1),
          round(upload.rssBeforeMiB, 0),
          round(upload.peakRssMiB, 0),
          round(upload.peakRssMiB - upload.rssBeforeMiB, 0),
        ],
        [
          `raw copy (limit), ${size}`,
          rate(bytes, raw),
          round(raw.ms / 1000, 1),
          round(raw.rssBeforeMiB, 0),
          round(raw.peakRssMiB, 0),
          round(raw.peakRssMiB - raw.rssBeforeMiB, 0),
        ],
      ];
    });
    const [small, large] = measured as [(typeof measured)[number], (typeof measured)[number]];
    const growth = round(large.archived.peakRssMiB - small.archived.peakRssMiB, 0);
    const ratio = round(rate(large.bytes, large.archived) / rate(large.bytes, large.raw), 3);
    const peerRatio = round(rate(large.bytes, large.archived) / rate(large.bytes, large.upload), 2);
    const peerGrowth = round(large.upload.peakRssMiB - small.upload.peakRssMiB, 0);
    return {
      columns: ['copy', 'MiB/s', 's', 'RSS before MiB', 'peak RSS MiB', 'peak - before MiB'],
      rows,
      notes: [
        `ratio ${ratio} at 1 GiB: Reelay's archive (SHA-256 + 8 MiB multipart into s3rver on the same disk) moves ${ratio}x the bytes per second of a bare stream-to-file copy`,
        `against the peer (plain lib-storage Upload into the same s3rver): ${peerRatio}x its throughput at 1 GiB (goal >= 0.85); the peer's peak RSS grows ${peerGrowth} MiB from 100 MiB to 1 GiB`,
        `peak RSS grows ${growth} MiB from 100 MiB to 1 GiB (${round((large.bytes - small.bytes) / MiB, 0)} MiB more data): memory does not follow the file's size`,
      ],
      data: { sizes: SIZES, measured, ratio, peerRatio, rssGrowthMiB: growth, peerRssGrowthMiB: peerGrowth },
    };
  } finally {
    await source.close();
    await s3.close();
    await dynamo.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

export const archive: Bench = { name: 'archive', title: '4. Archive', timeoutMs: 240_000, run };
