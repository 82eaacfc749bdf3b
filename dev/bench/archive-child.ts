import { createWriteStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { loadConfig } from '../../functions/core/config.ts';
import { archiveVideo } from '../../functions/core/jobs/archive-video.ts';
import { buildDeps } from '../../functions/core/wiring.ts';
import { serveTask } from './child.ts';

/** What the archive benchmark asks of one fresh process (so peak RSS is this copy's alone). */
export type CopyTask =
  | { kind: 'raw'; url: string; file: string }
  | { kind: 'upload'; url: string; endpoint: string; bucket: string; key: string }
  | { kind: 'archive'; jobId: string; env: Record<string, string> };

export interface CopyResult {
  ms: number;
  /** RSS just before the copy started (modules loaded, clients built). */
  rssBeforeMiB: number;
  /** Peak RSS of the whole process over its life (process.resourceUsage). */
  peakRssMiB: number;
  outcome: string;
}

const MiB = 1024 * 1024;

/** The limit: fetch's body piped to a file, nothing else. */
async function rawCopy(url: string, file: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`source answered ${response.status}`);
  await pipeline(
    Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>),
    createWriteStream(file),
  );
  return 'copied';
}

/**
 * The peer: a plain lib-storage Upload of the same HTTP stream into the same bucket, with the
 * library's defaults (5 MiB parts, 4 at once). Only the checksum setting differs from the SDK's
 * default, as for Reelay: s3rver does not understand the streamed CRC trailers.
 */
async function plainUpload(task: Extract<CopyTask, { kind: 'upload' }>): Promise<string> {
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: task.endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const response = await fetch(task.url);
  if (!response.ok || !response.body) throw new Error(`source answered ${response.status}`);
  await new Upload({
    client,
    params: {
      Bucket: task.bucket,
      Key: task.key,
      Body: Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>),
      ContentType: 'video/mp4',
    },
  }).done();
  return 'uploaded';
}

async function main(task: CopyTask): Promise<CopyResult> {
  const run =
    task.kind === 'raw'
      ? () => rawCopy(task.url, task.file)
      : task.kind === 'upload'
        ? () => plainUpload(task)
        : (() => {
            const deps = buildDeps(loadConfig(task.env));
            return () => archiveVideo(deps, task.jobId);
          })();
  const rssBefore = process.memoryUsage.rss();
  const started = performance.now();
  const outcome = await run();
  return {
    ms: performance.now() - started,
    rssBeforeMiB: rssBefore / MiB,
    peakRssMiB: (process.resourceUsage().maxRSS * 1024) / MiB,
    outcome,
  };
}

serveTask(main);
