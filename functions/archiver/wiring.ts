import { loadConfig } from '../core/config.ts';
import type { ArchiveDeps } from '../core/jobs/archive-video.ts';
import { commonDeps } from '../core/wiring/common.ts';
import { jobStores } from '../core/wiring/dynamodb.ts';
import { falGateway } from '../core/wiring/fal.ts';
import { s3Archive } from '../core/wiring/s3.ts';

/** Only what an archive uses: the jobs table, fal's queue (a fresh media URL) and the video bucket. */
export function archiverDeps(env: Record<string, string | undefined> = process.env): ArchiveDeps {
  const config = loadConfig(env);
  const common = commonDeps(config);
  return {
    ...common,
    jobs: jobStores(config).jobs,
    ...falGateway(config, common.metrics),
    ...s3Archive(config),
  };
}
