import { loadConfig } from '../config.ts';
import type { EngineDeps } from '../deps.ts';
import { commonDeps } from './common.ts';
import { jobStores } from './dynamodb.ts';
import { falGateway } from './fal.ts';
import { sqsQueues } from './sqs.ts';

let engine: EngineDeps | undefined;

/**
 * What the reconciler and the follow-up worker wire, once per container: the jobs and usage tables,
 * both queues and fal's queue; no S3, nothing of the API's (not even the accounts table).
 */
export function engineDeps(env: Record<string, string | undefined> = process.env): EngineDeps {
  if (engine) return engine;
  const config = loadConfig(env);
  const common = commonDeps(config);
  engine = {
    ...common,
    ...jobStores(config),
    ...sqsQueues(config),
    ...falGateway(config, common.metrics),
  };
  return engine;
}
