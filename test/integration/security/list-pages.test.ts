import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, ensureJobsTable, startDynamo } from '../../../dev/embedded/dynamodb.ts';
import { newVideoId } from '../../../functions/core/domain/ids.ts';
import { createDynamoJobStore } from '../../../functions/core/store/dynamodb/job-store.ts';
import type { JobStore } from '../../../functions/core/store/job-store.ts';
import { newJob, T0 } from '../../support/jobs.ts';

let close: () => Promise<void>;
let jobs: JobStore;
const ids: string[] = [];
/** 30 jobs of about 100 KB each: three times the 1 MB a single query page may read. */
const COUNT = 30;

beforeAll(async () => {
  const dynamo = await startDynamo({});
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: dynamo.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const table = `jobs-${randomUUID().slice(0, 8)}`;
  await ensureJobsTable(client, table);
  jobs = createDynamoJobStore(client, table);
  for (let i = 0; i < COUNT; i++) {
    const base = newJob({}, T0 + i);
    const job = {
      ...base,
      id: newVideoId(T0 + i),
      falInput: { ...base.falInput, padding: 'x'.repeat(100_000) },
    };
    await jobs.create(job);
    ids.push(job.id);
  }
  close = async () => {
    client.destroy();
    await dynamo.close();
  };
});
afterAll(() => close());

describe('listing past DynamoDB’s 1 MB query page (M3)', () => {
  it.each(['asc', 'desc'] as const)('fills the page and says there is more (%s)', async (order) => {
    const page = await jobs.listByTenant('acme', { limit: 20, order });
    expect(page.jobs.map((job) => job.id)).toEqual((order === 'asc' ? ids : [...ids].reverse()).slice(0, 20));
    expect(page.hasMore).toBe(true);
  });

  it('walks every job with after, and ends only at the end', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await jobs.listByTenant('acme', { limit: 7, order: 'asc', ...(after && { after }) });
      seen.push(...page.jobs.map((job) => job.id));
      if (!page.hasMore) break;
      after = page.jobs.at(-1)?.id;
    }
    expect(seen).toEqual(ids);
  });

  it('says there is no more when the page holds the rest', async () => {
    const page = await jobs.listByTenant('acme', { limit: 100, order: 'asc' });
    expect(page.jobs).toHaveLength(COUNT);
    expect(page.hasMore).toBe(false);
  });
});
