import { loadConfig } from '../config.ts';
import type { EngineDeps } from '../deps.ts';
import { dynamoClient } from './aws-clients.ts';
import { commonDeps } from './common.ts';
import { jobStores, tenantStore } from './dynamodb.ts';
import { falGateway } from './fal.ts';
import { sqsQueues } from './sqs.ts';

let engine: EngineDeps | undefined;

/**
 * What the reconciler and the follow-up worker wire, once per container: the jobs and usage tables,
 * tenants' limits, both queues and fal's queue; no S3, nothing else of the API's.
 */
export function engineDeps(env: Record<string, string | undefined> = process.env): EngineDeps {
  if (engine) return engine;
  const config = loadConfig(env);
  const common = commonDeps(config);
  const client = dynamoClient(config);
  engine = {
    ...common,
    ...jobStores(config, client),
    // a fallback model that costs more reserves the difference in the tenant's budget (its limits)
    ...tenantStore(config, common.now, client),
    ...sqsQueues(config),
    ...falGateway(config, common.metrics),
  };
  return engine;
}
