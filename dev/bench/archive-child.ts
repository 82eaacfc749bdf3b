import { createWriteStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '../../functions/core/config.ts';
import { archiveVideo } from '../../functions/core/jobs/archive-video.ts';
import { buildDeps } from '../../functions/core/wiring.ts';
import { serveTask } from './child.ts';

/** What the archive benchmark asks of one fresh process (so peak RSS is this copy's alone). */
export type CopyTask =
  | { kind: 'raw'; url: string; file: string }
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

async function main(task: CopyTask): Promise<CopyResult> {
  const run =
    task.kind === 'raw'
      ? () => rawCopy(task.url, task.file)
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
