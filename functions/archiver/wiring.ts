import { loadConfig } from '../core/config.ts';
import type { ArchiveDeps } from '../core/jobs/archive-video.ts';
import { commonDeps } from '../core/wiring/common.ts';
import { jobStores } from '../core/wiring/dynamodb.ts';
import { falBilling, falGateway } from '../core/wiring/fal.ts';
import { s3Archive } from '../core/wiring/s3.ts';
import { sqsQueues } from '../core/wiring/sqs.ts';

/** Only what an archive uses: the job tables, fal's queue (a fresh media URL, the billed cost) and the video bucket. */
export function archiverDeps(env: Record<string, string | undefined> = process.env): ArchiveDeps {
  const config = loadConfig(env);
  const common = commonDeps(config);
  return {
    ...common,
    ...jobStores(config),
    ...falGateway(config, common.metrics),
    ...falBilling(config),
    ...s3Archive(config),
    // a job that ends here is settled like any other (statistics, spend; it frees no slot) and
    // announces its event to the deliverer
    ...sqsQueues(config),
  };
}
