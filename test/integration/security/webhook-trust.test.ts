import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFalWireJson } from '../../../dev/fal-emulator/wire-json.ts';
import type { Deps } from '../../../functions/core/deps.ts';
import { newVideoId, newWebhookToken } from '../../../functions/core/domain/ids.ts';
import type { Job } from '../../../functions/core/domain/job.ts';
import { DEFAULT_POLICY } from '../../../functions/core/domain/policy.ts';
import { createJob } from '../../../functions/core/domain/transitions.ts';
import { createFalAccountPin } from '../../../functions/core/fal/account-pin.ts';
import { createWebhookVerifier } from '../../../functions/core/fal/webhook-signature.ts';
import { createFalWebhookApp } from '../../../functions/fal-webhook/app.ts';
import { falSigner } from '../../support/fal-signing.ts';
import { newJob } from '../../support/jobs.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

let stack: TestStack;
const signer = falSigner();
const jwks = (async () => Response.json({ keys: [signer.jwk] })) as typeof fetch;
const OURS = 'operator-account';
const STRANGER = 'someone-else';

/** The webhook app with the test signer's keys, and the fal account pinned as `pinned` says. */
function webhookApp(pinned: string | undefined, overrides: Partial<Deps> = {}) {
  return createFalWebhookApp({
    ...stack.deps,
    verifyFalWebhook: createWebhookVerifier({ jwksUrl: 'https://jwks.test', fetch: jwks }),
    falAccount: createFalAccountPin(pinned),
    ...overrides,
  });
}

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

function okBody(requestId: string, url = 'https://v3b.fal.media/files/b/x/output.mp4') {
  return Buffer.from(
    toFalWireJson({
      error: null,
      gateway_request_id: requestId,
      payload: { video: { content_type: 'video/mp4', file_name: 'output.mp4', file_size: null, url } },
      request_id: requestId,
      status: 'OK',
    }),
  );
}

function deliver(
  app: ReturnType<typeof webhookApp>,
  query: string,
  requestId: string,
  userId = OURS,
  body = okBody(requestId),
) {
  return app.request(`/webhooks/fal?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signer.headers(body, { requestId, userId }) },
    body: new Uint8Array(body),
  });
}
const queryOf = (job: Job) => `job=${job.id}&token=${encodeURIComponent(job.webhookToken)}`;

/** A job recorded straight into the table, as a given moment of its life. */
async function recorded(shape: (job: Job) => Job): Promise<Job> {
  const base = newJob({}, Date.now());
  const job = shape({
    ...base,
    id: newVideoId(Date.now()),
    tenant: 'default',
    webhookToken: newWebhookToken(),
  });
  await stack.deps.jobs.create(job);
  return job;
}
const submitted =
  (requestId: string) =>
  (job: Job): Job => ({
    ...job,
    state: 'submitted',
    requestId,
    submittedAt: job.createdAt,
    openSubmits: 0,
  });
const REQUEST = '01a20000-0000-7000-8000-00000000000a';
const OTHER_REQUEST = '01a20000-0000-7000-8000-00000000000b';

async function expectUnchanged(job: Job) {
  expect(await stack.job(job.id)).toEqual(job);
}

describe('a signed webhook is tied to its job and the operator’s fal account (M1)', () => {
  it('refuses a delivery signed for another fal account, even for the job’s own request', async () => {
    const job = await recorded(submitted(REQUEST));
    const response = await deliver(webhookApp(OURS), queryOf(job), REQUEST, STRANGER);
    expect(response.status).toBe(401);
    expect((await response.json()).error.message).toContain('another fal account');
    await expectUnchanged(job);
  });

  it('does not adopt another job’s video into a submitted job whose submits were all answered', async () => {
    // tenant A's request, delivered to tenant B's job with B's token: the red team's swap
    const job = await recorded(submitted(REQUEST));
    const response = await deliver(webhookApp(OURS), queryOf(job), OTHER_REQUEST);
    expect(await response.json()).toEqual({ received: true, applied: 'ignored' });
    await expectUnchanged(job);
  });

  it('does not let a queued job that never sent a submit take any request id', async () => {
    const job = await recorded(({ openSubmits: _, ...base }) =>
      createJob(base, base.createdAt, DEFAULT_POLICY, { admission: 'waiting' }),
    );
    expect(job.openSubmits).toBeUndefined();
    const response = await deliver(webhookApp(OURS), queryOf(job), OTHER_REQUEST);
    expect(await response.json()).toEqual({ received: true, applied: 'ignored' });
    await expectUnchanged(job);
  });

  it('still lets a queued job whose submit is in flight take the webhook that beat the answer', async () => {
    const job = await recorded((base) => base);
    expect(job.openSubmits).toBe(1);
    const response = await deliver(webhookApp(OURS), queryOf(job), REQUEST);
    expect(await response.json()).toEqual({ received: true, applied: 'generated' });
    expect(await stack.job(job.id)).toMatchObject({ state: 'generated', requestId: REQUEST });
  });

  it('without a configured account, takes only recorded requests until it has learnt the account', async () => {
    const app = webhookApp(undefined);
    const lost = await recorded((base) => ({ ...submitted(REQUEST)(base), openSubmits: 1 }));
    // an orphan cannot be trusted before the account is known: refused, so fal retries it later
    expect((await deliver(app, queryOf(lost), OTHER_REQUEST, STRANGER)).status).toBe(401);
    await expectUnchanged(lost);
    // the job's own recorded request proves the account, which is then pinned
    const own = await recorded(submitted(REQUEST));
    expect(await (await deliver(app, queryOf(own), REQUEST, OURS)).json()).toMatchObject({
      applied: 'generated',
    });
    expect((await deliver(app, queryOf(lost), OTHER_REQUEST, STRANGER)).status).toBe(401);
    await expectUnchanged(lost);
    expect(await (await deliver(app, queryOf(lost), OTHER_REQUEST, OURS)).json()).toMatchObject({
      applied: 'generated',
    });
  });
});

describe('webhook parameters are checked before any lookup (L2)', () => {
  it.each([
    [
      'an idempotency item id',
      `job=${encodeURIComponent(`idempotency#${'a'.repeat(64)}`)}&token=${'t'.repeat(43)}`,
    ],
    ['no job', `token=${'t'.repeat(43)}`],
    ['a malformed token', `job=${newVideoId(Date.now())}&token=${encodeURIComponent('x y')}`],
    ['two jobs', `job=${newVideoId(Date.now())}&job=x&token=${'t'.repeat(43)}`],
  ])(
    'answers a validly signed delivery with %s 401, never 500, without reading the store',
    async (_, query) => {
      const reads: string[] = [];
      const jobs = {
        ...stack.deps.jobs,
        get: async (id: string) => {
          reads.push(id);
          return stack.deps.jobs.get(id);
        },
      };
      const response = await deliver(webhookApp(OURS, { jobs }), query, REQUEST);
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe('webhook_rejected');
      expect(reads).toEqual([]);
    },
  );

  it('refuses missing signature headers before reading the body', async () => {
    const job = await recorded(submitted(REQUEST));
    let pulled = false;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled = true;
          controller.enqueue(okBody(REQUEST));
          controller.close();
        },
      },
      // nothing is pulled until someone reads
      { highWaterMark: 0 },
    );
    const response = await webhookApp(OURS).request(`/webhooks/fal?${queryOf(job)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(401);
    expect(pulled).toBe(false);
  });
});

describe('an adopted result passes the archiver’s media checks (M1)', () => {
  it('fails the job, fetching nothing, when the video is off fal’s media hosts', async () => {
    const lost = await recorded((base) => ({ ...submitted(REQUEST)(base), openSubmits: 1 }));
    // the red team's target: the local stack's own queue console, served back as the "video"
    const target = `${stack.url}/_local/archive-queue`;
    const response = await deliver(
      webhookApp(OURS),
      queryOf(lost),
      OTHER_REQUEST,
      OURS,
      okBody(OTHER_REQUEST, target),
    );
    expect(await response.json()).toMatchObject({ applied: 'generated' });
    const failed = await stack.waitForJob(lost.id, ['completed', 'failed']);
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'archive_failed' } });
    expect(failed.error?.message).toContain("not one of fal's media hosts");
    expect(failed.archiveAttempts).toBe(1);
    expect([...stack.objectWrites.keys()].filter((key) => key.includes(lost.id))).toEqual([]);
  });
});
