import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VideoObject } from '../../../functions/core/domain/video-object.ts';
import { falSubmits } from '../../support/fal-requests.ts';
import { OTHER_KEY } from '../../support/other-tenant.ts';
import { postVideo } from '../../support/post-video.ts';
import { followUpsSent } from '../../support/queue-messages.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

/** Long enough that nothing finishes during a test: only a delete frees a slot. */
const NEVER_FINISHES = { generationMs: 600_000 };

async function video(stack: TestStack, id: string): Promise<VideoObject> {
  return (await (await stack.api(`/v1/videos/${id}`)).json()) as VideoObject;
}

describe('per-tenant cap: N at fal, the rest wait in order, then queue_full', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      emulator: NEVER_FINISHES,
      env: { REELAY_DEFAULT_MAX_ACTIVE_JOBS: '2', REELAY_DEFAULT_MAX_QUEUED_JOBS: '2' },
    });
  });
  afterAll(() => stack.close());

  it('N go to fal, N+1th waits with queue_position 1, then 2; one more is 429 queue_full', async () => {
    const first = await stack.createVideo({ prompt: 'one', seconds: '4' });
    const second = await stack.createVideo({ prompt: 'two', seconds: '4' });
    expect([first.status, second.status]).toEqual(['in_progress', 'in_progress']);
    expect(first.queue_position).toBeNull();

    const third = await stack.createVideo({ prompt: 'three', seconds: '4' });
    expect(third).toMatchObject({ status: 'queued', queue_position: 1 });
    const fourth = await stack.createVideo({ prompt: 'four', seconds: '4' });
    expect(fourth).toMatchObject({ status: 'queued', queue_position: 2 });
    expect(falSubmits(stack)).toBe(2);

    const full = await postVideo(stack, 'five');
    expect(full.status).toBe(429);
    expect(full.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await full.json()).toMatchObject({ error: { code: 'queue_full', type: 'invalid_request_error' } });
    // a refused create records nothing and sends nothing
    const list = (await (await stack.api('/v1/videos?limit=100')).json()) as { data: VideoObject[] };
    expect(list.data).toHaveLength(4);
    expect(list.data.find((v) => v.id === fourth.id)?.queue_position).toBe(2);
    expect(falSubmits(stack)).toBe(2);

    // a slot frees (delete): the request gives the next waiting job nothing itself, only a message
    stack.followUps.hold();
    const pumpsBefore = followUpsSent(stack, 'pump').length;
    expect((await stack.api(`/v1/videos/${first.id}`, { method: 'DELETE' })).status).toBe(200);
    expect(falSubmits(stack)).toBe(2);
    expect((await stack.job(third.id)).state).toBe('queued');
    expect(followUpsSent(stack, 'pump').slice(pumpsBefore)).toEqual([{ kind: 'pump', tenant: 'local' }]);
    // the follow-up worker submits it promptly, with no reconcile pass
    stack.followUps.resume();
    await stack.waitForJob(third.id, ['submitted']);
    expect(await video(stack, third.id)).toMatchObject({ status: 'in_progress', queue_position: null });
    expect((await video(stack, fourth.id)).queue_position).toBe(1);
    expect(falSubmits(stack)).toBe(3);

    // the queue has room again: exactly one more may wait
    expect((await stack.createVideo({ prompt: 'six', seconds: '4' })).queue_position).toBe(2);
    expect((await postVideo(stack, 'seven')).status).toBe(429);
  });

  it('deleting a waiting job moves the ones behind it up and gives nothing to fal', async () => {
    const waiting = (
      (await (await stack.api('/v1/videos?limit=100&order=asc')).json()) as { data: VideoObject[] }
    ).data.filter((v) => v.status === 'queued');
    expect(waiting.map((v) => v.queue_position)).toEqual([1, 2]);
    const before = falSubmits(stack);
    await stack.api(`/v1/videos/${waiting[0]?.id}`, { method: 'DELETE' });
    expect((await video(stack, waiting[1]?.id as string)).queue_position).toBe(1);
    // a waiting job held no slot: nothing freed, so nothing is handed on, now or later
    await stack.followUps.drained();
    expect(falSubmits(stack)).toBe(before);
  });

  it('the OpenAPI document shows queue_position and the create route’s 429', async () => {
    const doc = (await (await stack.api('/openapi.json', { key: null })).json()) as {
      components: { schemas: { Video: { properties: Record<string, unknown>; required: string[] } } };
      paths: Record<string, { post?: { responses: Record<string, unknown> } }>;
    };
    expect(doc.components.schemas.Video.properties.queue_position).toBeDefined();
    expect(doc.components.schemas.Video.required).toContain('queue_position');
    expect(doc.paths['/v1/videos']?.post?.responses['429']).toBeDefined();
  });

  it('another tenant has its own slots and queue', async () => {
    const response = await postVideo(stack, 'other tenant', { key: OTHER_KEY });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'in_progress', queue_position: null });
  });
});

describe('a create does its own job only', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ emulator: NEVER_FINISHES, env: { REELAY_DEFAULT_MAX_ACTIVE_JOBS: '1' } });
  });
  afterAll(() => stack.close());

  it('finds a free slot with an older job waiting for it: it queues behind it and submits nobody', async () => {
    const running = await stack.createVideo({ prompt: 'running', seconds: '4' });
    const older = await stack.createVideo({ prompt: 'older waiter', seconds: '4' });
    expect(older.status).toBe('queued');
    // the slot frees while the follow-up worker is slow to start: the older job's hand-off is pending
    await stack.followUps.drained();
    stack.followUps.hold();
    const pumpsBefore = followUpsSent(stack, 'pump').length;
    await stack.api(`/v1/videos/${running.id}`, { method: 'DELETE' });
    expect(falSubmits(stack)).toBe(1);
    const newer = await stack.createVideo({ prompt: 'newer', seconds: '4' });
    // it did not take the slot from the older job, nor submit that job from inside this request
    expect(newer).toMatchObject({ status: 'queued', queue_position: 2 });
    expect(falSubmits(stack)).toBe(1);
    expect((await stack.job(older.id)).state).toBe('queued');
    // the delete and the create each only asked the follow-up worker to pump the tenant's queue
    expect(followUpsSent(stack, 'pump').length - pumpsBefore).toBe(2);
    stack.followUps.resume();
    await stack.waitForJob(older.id, ['submitted']);
    await stack.followUps.drained();
    expect(falSubmits(stack)).toBe(2);
    expect((await stack.job(newer.id)).state).toBe('queued');
  });
});

describe('concurrent creates never overshoot the caps', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      emulator: NEVER_FINISHES,
      env: { REELAY_DEFAULT_MAX_ACTIVE_JOBS: '3', REELAY_DEFAULT_MAX_QUEUED_JOBS: '4' },
    });
  });
  afterAll(() => stack.close());

  it('15 at once: exactly 3 at fal, 4 waiting at positions 1–4, 8 refused', async () => {
    const responses = await Promise.all(Array.from({ length: 15 }, (_, i) => postVideo(stack, `burst ${i}`)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(7);
    expect(statuses.filter((s) => s === 429)).toHaveLength(8);
    const created = await Promise.all(
      responses.filter((r) => r.status === 200).map(async (r) => (await r.json()) as VideoObject),
    );
    const states = await Promise.all(created.map(async (v) => (await stack.job(v.id)).state));
    expect(states.filter((s) => s === 'submitted')).toHaveLength(3);
    expect(states.filter((s) => s === 'queued')).toHaveLength(4);
    const positions = await Promise.all(created.map(async (v) => (await video(stack, v.id)).queue_position));
    expect(positions.filter((p) => p !== null).sort()).toEqual([1, 2, 3, 4]);
    expect(falSubmits(stack)).toBe(3);
    const pool = await stack.deps.usage.get({ tenant: 'local' });
    expect(Object.keys(pool.active)).toHaveLength(3);
    expect(Object.keys(pool.waiting)).toHaveLength(4);
  });
});

describe('overall cap across tenants', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      emulator: NEVER_FINISHES,
      env: { REELAY_MAX_ACTIVE_JOBS: '3', REELAY_DEFAULT_MAX_ACTIVE_JOBS: '5' },
    });
  });
  afterAll(() => stack.close());

  it('two tenants firing at once share 3 slots; a slot freed by one goes to the other’s waiting job', async () => {
    const responses = await Promise.all([
      ...Array.from({ length: 4 }, (_, i) => postVideo(stack, `local ${i}`)),
      ...Array.from({ length: 4 }, (_, i) => postVideo(stack, `other ${i}`, { key: OTHER_KEY })),
    ]);
    expect(responses.map((r) => r.status).every((s) => s === 200)).toBe(true);
    const created = await Promise.all(responses.map(async (r) => (await r.json()) as VideoObject));
    const jobs = await Promise.all(created.map((v) => stack.job(v.id)));
    expect(jobs.filter((j) => j.state === 'submitted')).toHaveLength(3);
    expect(falSubmits(stack)).toBe(3);
    expect(Object.keys((await stack.deps.usage.get('global')).active)).toHaveLength(3);

    // free a slot of whichever tenant has the most at fal; the longest-waiting job (any tenant) is next
    await stack.followUps.drained();
    const running = jobs.filter((j) => j.state === 'submitted');
    const waitingBefore = await stack.deps.jobs.listWaiting(10);
    const key = (tenant: string) => (tenant === 'local' ? undefined : OTHER_KEY);
    const freed = running[0];
    if (!freed) throw new Error('nothing running');
    await stack.api(`/v1/videos/${freed.id}`, { method: 'DELETE', key: key(freed.tenant) });
    await stack.followUps.drained();
    expect(falSubmits(stack)).toBe(4);
    const after = await Promise.all(jobs.map((j) => stack.job(j.id)));
    expect(after.filter((j) => j.state === 'submitted')).toHaveLength(3);
    const admitted = after.find((j) => j.state === 'submitted' && waitingBefore.some((w) => w.id === j.id));
    // the deployment's cap held them: the oldest waiter of any tenant goes first
    expect(admitted?.id).toBe(waitingBefore[0]?.id);
  });
});

describe('a freed slot of a full deployment goes to the longest waiter of any tenant (M4)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      emulator: NEVER_FINISHES,
      env: { REELAY_MAX_ACTIVE_JOBS: '2', REELAY_DEFAULT_MAX_ACTIVE_JOBS: '5' },
    });
  });
  afterAll(() => stack.close());

  it('another tenant’s older job is not overtaken by the freeing tenant’s newer ones', async () => {
    const a1 = await stack.createVideo({ prompt: 'a1', seconds: '4' });
    const a2 = await stack.createVideo({ prompt: 'a2', seconds: '4' });
    const b1 = (await (await postVideo(stack, 'b1', { key: OTHER_KEY })).json()) as VideoObject;
    // tenant A keeps creating after B's job started waiting: a steady backlog
    const backlog: VideoObject[] = [];
    for (const prompt of ['a3', 'a4', 'a5']) backlog.push(await stack.createVideo({ prompt, seconds: '4' }));
    expect([b1, ...backlog].map((v) => v.status)).toEqual(['queued', 'queued', 'queued', 'queued']);

    // A's job ends: the deployment's slot goes to B, who waited longest (through the follow-up worker)
    await stack.api(`/v1/videos/${a1.id}`, { method: 'DELETE' });
    await stack.followUps.drained();
    expect((await stack.job(b1.id)).state).toBe('submitted');
    expect((await Promise.all(backlog.map((v) => stack.job(v.id)))).map((j) => j.state)).toEqual([
      'queued',
      'queued',
      'queued',
    ]);

    // the next slot goes to A's oldest waiter, in its own order
    await stack.api(`/v1/videos/${a2.id}`, { method: 'DELETE' });
    await stack.followUps.drained();
    expect((await Promise.all(backlog.map((v) => stack.job(v.id)))).map((j) => j.state)).toEqual([
      'submitted',
      'queued',
      'queued',
    ]);
    expect(Object.keys((await stack.deps.usage.get('global')).active).sort()).toEqual(
      [b1.id, backlog[0]?.id].sort(),
    );
  });
});

describe('a webhook frees the slot: the next waiting job is submitted at once', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ env: { REELAY_DEFAULT_MAX_ACTIVE_JOBS: '1' } });
  });
  afterAll(() => stack.close());

  it('three jobs through one slot all complete without a reconcile pass, one at a time', async () => {
    const created: VideoObject[] = [];
    for (const prompt of ['first in line', 'second in line', 'third in line'])
      created.push(await stack.createVideo({ prompt, seconds: '4' }));
    // (positions are covered above: here a short generation may free the slot between two creates)
    expect(created[0]?.status).toBe('in_progress');
    const done = [];
    for (const v of created) done.push(await stack.waitForJob(v.id, ['completed', 'failed']));
    expect(done.map((j) => j.state)).toEqual(['completed', 'completed', 'completed']);
    // each was submitted only after the one before it had left the slot (fal produced its video)
    for (let i = 1; i < done.length; i++) {
      expect(done[i]?.submittedAt).toBeGreaterThanOrEqual(
        done[i - 1]?.generatedAt ?? Number.POSITIVE_INFINITY,
      );
    }
    const pool = await stack.deps.usage.get({ tenant: 'local' });
    expect(pool).toMatchObject({ active: {}, waiting: {} });
  });

  it('the webhook that frees the slot submits nothing itself: the follow-up worker does, promptly', async () => {
    stack.followUps.hold();
    const before = falSubmits(stack);
    // its webhook comes late enough that the second create surely finds the slot taken
    stack.emulator?.injectFault({ on: 'webhook', delayMs: 500, match: { promptIncludes: 'holds the slot' } });
    const running = await stack.createVideo({ prompt: 'holds the slot', seconds: '4' });
    const waiting = await stack.createVideo({ prompt: 'waits for it', seconds: '4' });
    const deliveredBefore = stack.emulator?.stats().webhooksDelivered ?? 0;
    expect(waiting.status).toBe('queued');
    // fal's webhook arrives and is recorded: the slot is free, yet only the one submit so far
    await stack.waitForJob(running.id, ['generated', 'completed']);
    expect(falSubmits(stack)).toBe(before + 1);
    expect((await stack.job(waiting.id)).state).toBe('queued');
    expect(followUpsSent(stack, 'pump').at(-1)).toEqual({ kind: 'pump', tenant: 'local' });
    expect(stack.emulator?.stats().webhooksDelivered ?? 0).toBeGreaterThan(deliveredBefore);
    stack.followUps.resume();
    expect((await stack.waitForJob(waiting.id, ['completed', 'failed'])).state).toBe('completed');
    expect(falSubmits(stack)).toBe(before + 2);
  });

  it('a failed generation frees its slot too: the waiting job goes on at once', async () => {
    const flagged = await stack.createVideo({
      prompt: 'refused [fal:content_policy_violation]',
      seconds: '4',
    });
    const next = await stack.createVideo({ prompt: 'after the refusal', seconds: '4' });
    expect((await stack.waitForJob(flagged.id, ['failed', 'completed'])).state).toBe('failed');
    expect((await stack.waitForJob(next.id, ['completed', 'failed'])).state).toBe('completed');
  });
});

describe('a tenant with room behind a full deployment', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      emulator: NEVER_FINISHES,
      env: { REELAY_MAX_ACTIVE_JOBS: '2', REELAY_DEFAULT_MAX_ACTIVE_JOBS: '5' },
    });
  });
  afterAll(() => stack.close());

  it('keeps its place at the head of its queue when a pump finds the deployment full', async () => {
    await stack.createVideo({ prompt: 'a', seconds: '4' });
    await stack.createVideo({ prompt: 'b', seconds: '4' });
    const waiting = await stack.createVideo({ prompt: 'c', seconds: '4' });
    expect(waiting).toMatchObject({ status: 'queued', queue_position: 1 });
    // its create's pump message promoted it in the tenant's pool, found no overall slot and put it
    // back; a reconcile pass changes nothing either
    await stack.followUps.drained();
    await stack.reconcile();
    expect((await stack.job(waiting.id)).state).toBe('queued');
    expect((await video(stack, waiting.id)).queue_position).toBe(1);
    const pool = await stack.deps.usage.get({ tenant: 'local' });
    expect(Object.keys(pool.active)).toHaveLength(2);
    expect(Object.keys(pool.waiting)).toEqual([waiting.id]);
    expect(falSubmits(stack)).toBe(2);
  });
});
