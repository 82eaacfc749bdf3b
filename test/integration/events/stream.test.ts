import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VideoObject } from '../../../functions/core/domain/video-object.ts';
import { type LiveEvent, openStream, streamsRecorded } from '../../support/event-stream-client.ts';
import { OTHER_KEY, OTHER_TENANT } from '../../support/other-tenant.ts';
import { postVideo } from '../../support/post-video.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

let stack: TestStack;

beforeAll(async () => {
  // long enough a generation that a client can connect while a video is in progress
  stack = await startTestStack({
    emulator: { generationMs: 3_000 },
    env: { REELAY_EVENTS_MAX_CONNECTIONS_PER_KEY: '3', REELAY_LOCAL_EVENTS_PING_SECONDS: '0.2' },
  });
});
afterAll(async () => {
  await stack.close();
});

async function create(prompt: string, key?: string): Promise<VideoObject> {
  const response = await postVideo(stack, prompt, key === undefined ? {} : { key });
  expect(response.status).toBe(200);
  return (await response.json()) as VideoObject;
}

async function token(key = stack.apiKey): Promise<{ token: string; url: string; expires_at: number }> {
  const response = await stack.api('/v1/events/tokens', { method: 'POST', key });
  expect(response.status).toBe(200);
  return (await response.json()) as { token: string; url: string; expires_at: number };
}

const closeAll = async (...clients: Array<{ close(): void; closed: Promise<unknown> }>) => {
  for (const client of clients) client.close();
  await Promise.all(clients.map((client) => client.closed));
};

describe('GET /v1/events', () => {
  it("streams one video's events in order, ending with video.completed as GET shows it; another tenant hears none", async () => {
    const mine = await openStream(stack);
    const theirs = await openStream(stack, { token: (await token(OTHER_KEY)).token });
    await streamsRecorded(stack, 'local', 1);
    await streamsRecorded(stack, OTHER_TENANT, 1);

    const video = await create('a fox in the snow, live');
    const completed = await mine.waitFor((e) => e.data.id === video.id && e.type === 'video.completed');
    const ofVideo = mine.events.filter((e) => e.data.id === video.id);
    const types = ofVideo.map((e) => e.type);
    expect(types.at(-1)).toBe('video.completed');
    expect(types).toContain('video.in_progress');
    // in order: status never steps back, and nothing comes after the end
    const rank = { queued: 0, in_progress: 1, completed: 2, failed: 2 } as Record<string, number>;
    const ranks = ofVideo.map((e) => rank[e.data.status] ?? -1);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(ofVideo.every((e) => e.object === 'event' && e.id.startsWith('evt_'))).toBe(true);

    const fetched = (await (await stack.api(`/v1/videos/${video.id}`)).json()) as VideoObject;
    expect(completed.data).toMatchObject({
      id: fetched.id,
      status: 'completed',
      progress: 100,
      completed_at: fetched.completed_at,
      queue_position: null,
      estimated_completion_at: fetched.estimated_completion_at,
    });

    // the record of what the server posted: nothing of this video went to the other tenant's stream
    const posted = stack.events.posted();
    expect(posted.filter((m) => m.body.includes(video.id)).every((m) => m.tenant === 'local')).toBe(true);
    expect(posted.some((m) => m.tenant === OTHER_TENANT)).toBe(false);
    expect(theirs.events).toEqual([]);
    await closeAll(mine, theirs);
  });

  it('a reconnect is greeted with the current state of unfinished videos', async () => {
    const first = await openStream(stack);
    await streamsRecorded(stack, 'local', 1);
    const video = await create('a boat on a lake, reconnecting');
    await first.waitFor((e) => e.data.id === video.id && e.type === 'video.in_progress');
    await closeAll(first);

    const again = await openStream(stack, { token: (await token()).token });
    // the generation takes 3 s: the video is still in progress when the new stream is greeted
    const greeting = await again.waitFor((e) => e.data.id === video.id);
    expect(greeting).toMatchObject({ type: 'video.in_progress', data: { status: 'in_progress' } });
    expect(again.events[0]?.data.id).toBe(video.id);
    await again.waitFor((e) => e.data.id === video.id && e.type === 'video.completed');
    await closeAll(again);
  });

  it("a stream for one video hears only that video's events", async () => {
    const video = await create('a kite over a beach, one video');
    const one = await openStream(stack, { videoId: video.id });
    const other = await create('a train at night, not subscribed');
    await one.waitFor((e) => e.data.id === video.id && e.type === 'video.completed');
    await stack.waitForEnd(other.id);
    expect(one.events.every((e: LiveEvent) => e.data.id === video.id)).toBe(true);
    await closeAll(one);
  });

  it('a stale connection (its $disconnect never came) is removed at the first event that finds it gone', async () => {
    const now = stack.deps.now();
    await stack.deps.connections.put({
      connectionId: 'stale-connection',
      tenant: 'local',
      keyId: 'dev',
      connectedAt: now,
      expiresAt: now + 3_600_000,
    });
    const video = await create('a lighthouse in fog, stale');
    await stack.waitForEnd(video.id);
    expect(await stack.deps.connections.get('stale-connection')).toBeUndefined();
  });

  it('refuses a bad token, no credentials, a bad video id and a key over its cap, each with a clear close code', async () => {
    const forged = await openStream(stack, { token: 'evtok_v1.AAAA.BBBB' });
    expect(await forged.closed).toMatchObject({ code: 4401 });
    const bare = await openStream(stack, { key: '' });
    expect((await bare.closed).code).toBe(4401);
    const badVideo = await openStream(stack, { videoId: 'video_nope' });
    expect(await badVideo.closed).toMatchObject({ code: 4400 });

    const held = [await openStream(stack), await openStream(stack), await openStream(stack)];
    await streamsRecorded(stack, 'local', 3);
    const over = await openStream(stack);
    expect((await over.closed).code).toBe(4429);
    await closeAll(...held);
  });

  it('ends a stream that stops answering pings, and removes its record', async () => {
    const before = (await stack.deps.connections.listByTenant('local', stack.deps.now())).length;
    const silent = await openStream(stack, { autoPong: false });
    await streamsRecorded(stack, 'local', before + 1);
    expect((await silent.closed).code).toBe(1006);
    const deadline = Date.now() + 5_000;
    while ((await stack.deps.connections.listByTenant('local', stack.deps.now())).length > before) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  it('answers a plain GET with 426 and a token request without a key with 401, in the envelope', async () => {
    const plain = await stack.api('/v1/events');
    expect(plain.status).toBe(426);
    expect(((await plain.json()) as { error: { code: string } }).error.code).toBe('upgrade_required');
    const anonymous = await stack.api('/v1/events/tokens', { method: 'POST', key: null });
    expect(anonymous.status).toBe(401);
    const issued = await token();
    expect(issued.url).toBe(`${stack.url.replace(/^http/, 'ws')}/v1/events`);
    expect(issued.expires_at * 1000).toBeGreaterThan(Date.now());
  });
});
