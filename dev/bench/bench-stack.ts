import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../local-stack.ts';
import { type DynamoProcess, startDynamoProcess } from './dynamo-process.ts';
import { BENCH_DIR } from './paths.ts';

export interface BenchStack extends LocalStack {
  /** The dynalite process behind it (its CPU time is the stand-in's share). */
  dynamoProcess: DynamoProcess;
  close(): Promise<void>;
}

export type BenchStackOptions = Omit<LocalStackOptions, 'env'> & {
  /** Profile dynalite's process (`--cpu-prof`) into this directory. */
  dynamoCpuProfileDir?: string;
};

/**
 * The local stack on free loopback ports in a throwaway data dir, with dynalite in memory in its
 * own process (as DynamoDB is not in Lambda's), and no schedule: nothing here needs the
 * reconciler, and its runs would blur the counts.
 */
export async function startBenchStack(options: BenchStackOptions = {}): Promise<BenchStack> {
  const { dynamoCpuProfileDir, ...stackOptions } = options;
  const dataDir = mkdtempSync(join(BENCH_DIR, 'stack-'));
  const dynamo = await startDynamoProcess({ cpuProfileDir: dynamoCpuProfileDir });
  try {
    const stack = await startLocalStack({
      env: {
        PORT: '0',
        HOST: '127.0.0.1',
        REELAY_DATA_DIR: dataDir,
        FAL_KEY: '',
        PUBLIC_URL: '',
        REELAY_DYNAMODB_ENDPOINT: dynamo.endpoint,
        // benchmarks measure the pipeline, not a tenant's rate limits, concurrency or budget
        REELAY_DEFAULT_REQUESTS_PER_MINUTE: '100000',
        REELAY_DEFAULT_CREATES_PER_MINUTE: '10000',
        REELAY_DEFAULT_MAX_ACTIVE_JOBS: '10000',
        REELAY_DEFAULT_MAX_QUEUED_JOBS: '5000',
        REELAY_DEFAULT_DAILY_BUDGET_USD: '1000000',
        REELAY_MAX_ACTIVE_JOBS: '2000',
      },
      inMemory: true,
      schedule: false,
      ...stackOptions,
    });
    // the dev tenant's own generous limits (100 creates, 1,000 requests a minute) are still below a benchmark's
    await stack.deps.tenants.setLimits('local', { requestsPerMinute: 100_000, createsPerMinute: 10_000 });
    return {
      ...stack,
      dynamoProcess: dynamo,
      async close() {
        await stack.stop();
        await dynamo.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await dynamo.close();
    throw error;
  }
}
