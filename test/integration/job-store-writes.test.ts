import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureJobsTable } from '../../dev/embedded/dynamodb.ts';
import type { Job } from '../../functions/core/domain/job.ts';
import { DEFAULT_POLICY } from '../../functions/core/domain/policy.ts';
import {
  claimForSubmit,
  markDeleted,
  markFailed,
  markGenerated,
  markSubmitted,
} from '../../functions/core/domain/transitions.ts';
import { createDynamoJobStore } from '../../functions/core/store/dynamodb/job-store.ts';
import type { JobStore } from '../../functions/core/store/job-store.ts';
import { newJob, T0 } from '../support/jobs.ts';
import { startTestDynamo, type TestDynamo } from '../support/test-dynamo.ts';

let dynamo: TestDynamo;
let store: JobStore;
/** The same store on a second table, written whole-item: what the updates must come out as. */
let wholeItems: JobStore;
const WHOLE = 'jobs-whole-items';
/** Every request the store sent: operation and input. */
const sent: Array<{ operation: string; input: Record<string, unknown> }> = [];

beforeAll(async () => {
  dynamo = await startTestDynamo('jobs');
  await ensureJobsTable(dynamo.client, dynamo.table);
  dynamo.client.middlewareStack.add(
    (next, context) => (args) => {
      sent.push({
        operation: String(context.commandName).replace(/Command$/, ''),
        input: args.input as Record<string, unknown>,
      });
      return next(args);
    },
    { step: 'initialize', name: 'recordJobStoreRequests' },
  );
  store = createDynamoJobStore(dynamo.client, dynamo.table);
  await ensureJobsTable(dynamo.client, WHOLE);
  wholeItems = createDynamoJobStore(dynamo.client, WHOLE);
});
afterAll(() => dynamo.close());

const idOf = (n: number) => `video_${String(n).padStart(32, '0')}`;

/** The item as the table holds it (DynamoDB JSON), index keys and all. */
async function stored(id: string, table = dynamo.table) {
  const { Item } = await dynamo.client.send(
    new GetItemCommand({ TableName: table, Key: { id: { S: id } }, ConsistentRead: true }),
  );
  return Item;
}

/** A job's life, one transition at a time, as the engine makes it. */
const life: Array<(job: Job, now: number) => Job> = [
  (job, now) => claimForSubmit(job, now, DEFAULT_POLICY),
  (job, now) => markSubmitted(job, 'req-1', now, DEFAULT_POLICY),
  (job, now) =>
    markGenerated(
      job,
      { requestId: 'req-1', video: { url: 'https://v3b.fal.media/o.mp4' } },
      now,
      DEFAULT_POLICY,
    ),
  (job, now) => markFailed(job, { code: 'archive_failed', message: 'gone' }, now),
  (job, now) => markDeleted(job, now),
];

describe('job store: a save that knows the previous version writes only what changed', () => {
  it('stores the same item, index keys included, as a whole-item write at every step of a life', async () => {
    let job = { ...newJob(), id: idOf(1) };
    await store.create(job);
    await wholeItems.create(job);
    for (const [step, transition] of life.entries()) {
      const next = transition(job, T0 + (step + 1) * 1000);
      sent.length = 0;
      expect(await store.save(next, job)).toBe(true);
      expect(await wholeItems.save(next)).toBe(true);
      expect(sent.map((request) => request.operation)).toEqual(['UpdateItem', 'PutItem']);
      expect(await stored(job.id)).toEqual(await stored(job.id, WHOLE));
      job = next;
    }
    // the last step left a tombstone: out of both indexes, with its expiry
    expect(await stored(job.id)).toMatchObject({ expiresAt: expect.anything() });
    expect(await stored(job.id)).not.toHaveProperty('listTenant');
  });

  it("sends the capture without the job's unchanged attributes (fal input, spec, outbox)", async () => {
    const submitted = markSubmitted(
      claimForSubmit({ ...newJob(), id: idOf(3) }, T0, DEFAULT_POLICY),
      'req-3',
      T0,
      DEFAULT_POLICY,
    );
    await store.create(submitted);
    sent.length = 0;
    const video = { url: 'https://v3b.fal.media/o.mp4' };
    expect(
      await store.save(
        markGenerated(submitted, { requestId: 'req-3', video }, T0, DEFAULT_POLICY),
        submitted,
      ),
    ).toBe(true);
    const [request] = sent;
    const names = Object.values(request?.input.ExpressionAttributeNames as Record<string, string>);
    expect(names).toEqual(expect.arrayContaining(['state', 'video', 'activeState', 'dueAt', 'version']));
    expect(names).not.toEqual(expect.arrayContaining(['falInput']));
    for (const unchanged of ['falInput', 'spec', 'outbox', 'tenant', 'webhookToken'])
      expect(names).not.toContain(unchanged);
    // the capture moves the job between byDue's partitions: the reconciler looks for it in the new one
    const due = T0 + DEFAULT_POLICY.archivePickupMs;
    expect((await store.listDue('generated', due, 100)).map((job) => job.id)).toContain(submitted.id);
    expect((await store.listDue('submitted', due, 100)).map((job) => job.id)).not.toContain(submitted.id);
    expect(await store.get(submitted.id)).toMatchObject({
      state: 'generated',
      video,
      version: submitted.version + 1,
    });
  });

  it('writes nothing when the previous copy is stale, so the caller reads and decides again', async () => {
    const job = { ...newJob(), id: idOf(4) };
    await store.create(job);
    const claimed = claimForSubmit(job, T0, DEFAULT_POLICY);
    expect(await store.save(claimed, job)).toBe(true);
    const before = await stored(job.id);
    // a second writer decided from the version the first one replaced
    expect(await store.save(claimForSubmit(job, T0 + 5, DEFAULT_POLICY), job)).toBe(false);
    expect(await stored(job.id)).toEqual(before);
  });

  it('never creates a job that is not there', async () => {
    const ghost = { ...newJob(), id: idOf(5) };
    expect(await store.save(claimForSubmit(ghost, T0, DEFAULT_POLICY), ghost)).toBe(false);
    expect(await store.get(ghost.id)).toBeUndefined();
  });
});
