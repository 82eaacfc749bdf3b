import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { redriveAws, redriveLocal } from '../../dev/redrive.ts';
import { createApiApp } from '../../functions/api/app.ts';
import { createS3VideoArchive } from '../../functions/core/archive/s3/video-archive.ts';
import type { Deps } from '../../functions/core/deps.ts';
import type { Job } from '../../functions/core/domain/job.ts';
import { archiveVideo } from '../../functions/core/jobs/archive-video.ts';
import { createDynamoJobStore } from '../../functions/core/store/dynamodb/job-store.ts';
import { dynamoClient } from '../../functions/core/wiring/aws-clients.ts';
import { falSubmits } from '../support/fal-requests.ts';
import { postVideo } from '../support/post-video.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

const keyOf = (id: string) => `videos/local/${id}.mp4`;
const falRequestsOf = (id: string) =>
  (stack.emulator?.requests() ?? []).filter((request) => request.webhookUrl?.includes(`job=${id}&`));

/** Swaps one dependency of the running service for the length of `run` (the handlers read deps per call). */
async function withDeps<T>(overrides: Partial<Deps>, run: () => Promise<T>): Promise<T> {
  const saved = { ...stack.deps };
  Object.assign(stack.deps, overrides);
  try {
    return await run();
  } finally {
    Object.assign(stack.deps, saved);
  }
}

describe('S3, DynamoDB and our own process failing under the pipeline', () => {
  it('S3 unreachable: the archive fails without leaving an object, and completes once S3 is back', async () => {
    // a real S3 client whose endpoint refuses connections, for the first two archive attempts
    const deadS3 = new S3Client({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      forcePathStyle: true,
      maxAttempts: 2,
    });
    const down = createS3VideoArchive(deadS3, 'reelay-videos');
    const up = stack.deps.archive;
    let puts = 0;
    const flaky = {
      ...up,
      put: (...args: Parameters<typeof up.put>) => (puts++ < 2 ? down.put(...args) : up.put(...args)),
    };
    const job = await withDeps({ archive: flaky }, async () => {
      const video = await stack.createVideo({ prompt: 'a glacier calving', seconds: '4' });
      return stack.settle(video.id);
    });
    expect(job.state).toBe('completed');
    expect(job.archiveAttempts).toBeGreaterThanOrEqual(3);
    expect(puts).toBe(job.archiveAttempts);
    expect(stack.objectWrites.get(keyOf(job.id))).toBe(1);
    expect(falRequestsOf(job.id)).toHaveLength(1);
  });

  it('DynamoDB throttling: the SDK retries the throttled calls and the job goes through unchanged', async () => {
    const client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: stack.deps.config.endpoints.dynamodb,
    });
    const seen = new WeakSet<object>();
    let throttled = 0;
    // each call's first attempt is refused as DynamoDB refuses over-capacity calls; the SDK backs off and retries it
    client.middlewareStack.add(
      (next) => async (args) => {
        if (!seen.has(args.input)) {
          seen.add(args.input);
          throttled++;
          throw new ProvisionedThroughputExceededException({
            message: 'The level of configured provisioned throughput for the table was exceeded.',
            $metadata: { httpStatusCode: 400 },
          });
        }
        return next(args);
      },
      { step: 'deserialize', name: 'throttleFirstAttempts' },
    );
    const jobs = createDynamoJobStore(client, stack.deps.config.jobsTable);
    const job = await withDeps({ jobs }, async () => {
      const video = await stack.createVideo({ prompt: 'a hummingbird, busy', seconds: '4' });
      return stack.settle(video.id);
    });
    expect(job.state).toBe('completed');
    expect(throttled).toBeGreaterThan(4);
    expect(falRequestsOf(job.id)).toHaveLength(1);
    expect(stack.objectWrites.get(keyOf(job.id))).toBe(1);
  });

  it('DynamoDB out of reach: the API answers 503 with Retry-After (the SDK retries it), not a bare 500, and records nothing', async () => {
    const unreachable = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      maxAttempts: 1,
    });
    const jobs = createDynamoJobStore(unreachable, stack.deps.config.jobsTable);
    const submits = falSubmits(stack);
    const [created, listed] = await withDeps({ jobs }, () =>
      Promise.all([postVideo(stack, { prompt: 'never recorded' }), stack.api('/v1/videos')]),
    );
    for (const response of [created, listed]) {
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('2');
      expect(await response.json()).toMatchObject({
        error: { code: 'service_unavailable', type: 'server_error' },
      });
    }
    expect(falSubmits(stack)).toBe(submits);
  });

  it('DynamoDB that takes the request and never answers: the API answers 503 by its own deadline, tries once, and records nothing', async () => {
    // a stand-in that accepts and stays silent, recording each request; the SDK's defaults would wait for ever
    let requests = 0;
    const silent = createServer(() => {
      requests += 1;
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const { config } = stack.deps;
    const jobs = createDynamoJobStore(
      dynamoClient({ ...config, endpoints: { ...config.endpoints, dynamodb: url } }),
      config.jobsTable,
    );
    // the stack's API with only the jobs table gone quiet, and a 5 s deadline instead of 28 s (room
    // for a fresh app's first request to build its routes on a busy machine)
    const app = createApiApp({ ...stack.deps, jobs, config: { ...config, deadlines: { apiMs: 5_000 } } });
    const headers = { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' };
    const submits = falSubmits(stack);
    try {
      const [created, listed] = await Promise.all([
        app.request('/v1/videos', {
          method: 'POST',
          headers,
          body: JSON.stringify({ prompt: 'never recorded' }),
        }),
        app.request('/v1/videos', { headers }),
      ]);
      for (const response of [created, listed]) {
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBe('2');
        expect(await response.json()).toMatchObject({
          error: { code: 'service_unavailable', type: 'server_error' },
        });
      }
      // one attempt each: an attempt cut by the deadline is not tried again after it
      expect(requests).toBe(2);
      expect(falSubmits(stack)).toBe(submits);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('an archiver that died holding the lease: the reconciler sends the job again after the lease, archived once', async () => {
    const video = await stack.createVideo({ prompt: 'a tide pool [fal:drop_webhook]', seconds: '4' });
    const submitted = await stack.waitForJob(video.id, ['submitted']);
    await vi.waitFor(() =>
      expect(stack.emulator?.request(submitted.requestId ?? '')?.state).toBe('COMPLETED'),
    );
    // the webhook is dropped; the job is generated by a poll, and the archive is claimed by a worker that dies at once
    // its upload never ends while the test runs (like a frozen sandbox); it is let go at the end
    let letGo: (error: Error) => void = () => {};
    const dying = {
      ...stack.deps.archive,
      put: () =>
        new Promise<void>((_, reject) => {
          letGo = reject;
        }),
    };
    await withDeps({ archive: dying }, async () => {
      stack.advance(10 * 60_000);
      await stack.reconcile();
      await vi.waitFor(async () => expect((await stack.job(video.id)).archiveAttempts).toBe(1), {
        timeout: 5_000,
      });
    });
    await stack.reconcile();
    expect((await stack.job(video.id)).state).toBe('generated');
    stack.advance(stack.deps.policy.archiveLeaseMs + 1_000);
    await stack.reconcile();
    const job = await stack.waitForJob(video.id, ['completed', 'failed']);
    expect(job).toMatchObject({ state: 'completed', archiveAttempts: 2 });
    expect(stack.objectWrites.get(keyOf(video.id))).toBe(1);
    letGo(new Error('sandbox gone'));
  });

  it('an archiver that died after the upload but before recording it: the retry records that copy, no second write', async () => {
    const video = await stack.createVideo({ prompt: 'a moth at a lamp [fal:drop_webhook]', seconds: '4' });
    const submitted = await stack.waitForJob(video.id, ['submitted']);
    await vi.waitFor(() =>
      expect(stack.emulator?.request(submitted.requestId ?? '')?.state).toBe('COMPLETED'),
    );
    // generated by a poll with the archive queue held back, so the test runs the archive itself
    const held = { enqueue: async () => undefined };
    await withDeps({ archiveQueue: held }, async () => {
      stack.advance(10 * 60_000);
      await stack.reconcile();
    });
    const dyingBeforeRecord: Deps = {
      ...stack.deps,
      jobs: {
        ...stack.deps.jobs,
        save: (next: Job) =>
          next.state === 'completed'
            ? Promise.reject(new Error('process killed'))
            : stack.deps.jobs.save(next),
      },
    };
    await expect(archiveVideo(dyingBeforeRecord, video.id)).rejects.toThrow('process killed');
    expect(stack.objectWrites.get(keyOf(video.id))).toBe(1);

    stack.advance(stack.deps.policy.archiveLeaseMs + 1_000);
    expect(await archiveVideo(stack.deps, video.id)).toBe('completed');
    const job = await stack.job(video.id);
    const served = await stack.emulator?.outputBytes(job.requestId ?? '');
    expect(job).toMatchObject({ state: 'completed', archiveAttempts: 2, archive: { bytes: served?.length } });
    expect(stack.objectWrites.get(keyOf(video.id))).toBe(1);
  });

  it('a process that died after fal accepted the submit but before recording it: the webhook completes the job, one submit', async () => {
    const store = stack.deps.jobs;
    const dying = {
      ...store,
      save: (next: Job) =>
        next.state === 'submitted' ? Promise.reject(new Error('process killed')) : store.save(next),
    };
    const video = await withDeps({ jobs: dying }, () =>
      stack.createVideo({ prompt: 'a heron, unrecorded', seconds: '4' }),
    );
    const job = await stack.waitForJob(video.id, ['completed', 'failed']);
    expect(job.state).toBe('completed');
    expect(falRequestsOf(video.id)).toHaveLength(1);
    expect(job.requestId).toBe(falRequestsOf(video.id)[0]?.requestId);
  });
});

describe('dead letters', () => {
  it('an archive message that keeps failing is logged and counted with its job id, and npm run redrive brings it back', async () => {
    const error = vi.spyOn(stack.deps.logger, 'error');
    const count = vi.spyOn(stack.deps.metrics, 'count');
    const store = stack.deps.jobs;
    let video: { id: string } | undefined;
    // DynamoDB refusing the archiver's writes: every delivery fails when it tries to claim the job
    const refusing = {
      ...store,
      save: (next: Job) =>
        next.id === video?.id && next.archiveLease !== undefined
          ? Promise.reject(new Error('DynamoDB unreachable'))
          : store.save(next),
    };
    await withDeps({ jobs: refusing }, async () => {
      video = await stack.createVideo({ prompt: 'a lantern adrift', seconds: '4' });
      await vi.waitFor(() => expect(stack.queue.depth().deadLetters).toBe(1), { timeout: 10_000 });
    });
    const id = video?.id ?? '';
    expect(error).toHaveBeenCalledWith(
      'archive message dead-lettered',
      expect.objectContaining({ jobId: id }),
    );
    expect(count).toHaveBeenCalledWith('ArchiveMessageDeadLettered', { jobId: id });
    const listed = (await (await fetch(`${stack.url}/_local/archive-queue`)).json()) as {
      deadLetters: Array<{ body: string }>;
    };
    expect(listed.deadLetters.map((letter) => JSON.parse(letter.body).jobId)).toEqual([id]);

    expect(await redriveLocal(stack.url)).toBe(1);
    expect((await stack.waitForJob(id, ['completed', 'failed'])).state).toBe('completed');
    expect(stack.queue.depth().deadLetters).toBe(0);
  });

  it('on AWS, npm run redrive -- --dlq-arn starts SQS’s message move task from the dead-letter queue', async () => {
    const calls: Array<{ target: string; body: Record<string, unknown> }> = [];
    const sqs = createServer(async (request: IncomingMessage, response) => {
      let body = '';
      for await (const chunk of request) body += chunk;
      calls.push({ target: String(request.headers['x-amz-target']), body: JSON.parse(body) });
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ TaskHandle: 'task-handle-1' }));
    });
    await new Promise<void>((resolve) => sqs.listen(0, '127.0.0.1', resolve));
    const { port } = sqs.address() as AddressInfo;
    try {
      const client = new SQSClient({
        region: 'eu-west-1',
        endpoint: `http://127.0.0.1:${port}`,
        credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      });
      const dlq = 'arn:aws:sqs:eu-west-1:123456789012:Reelay-ArchiveDeadLetters';
      expect(await redriveAws(client, dlq)).toBe('task-handle-1');
      expect(calls).toEqual([{ target: 'AmazonSQS.StartMessageMoveTask', body: { SourceArn: dlq } }]);
    } finally {
      await new Promise((resolve) => sqs.close(resolve));
    }
  });
});
