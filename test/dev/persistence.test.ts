import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FalEmulator } from '../../dev/fal-emulator/index.ts';
import { falClientFor, falFetch, submitOk, waitForCompletion } from '../support/fal-calls.ts';
import { SEEDANCE_T2V, startTestEmulator } from '../support/fal-emulator.ts';
import { waitUntil } from '../support/wait-for.ts';
import { type Receiver, startReceiver, verifyDelivery } from '../support/webhook-receiver.ts';

const portOf = (emulator: FalEmulator) => Number(new URL(emulator.url).port);

describe('restart with stateDir', () => {
  let stateDir: string;
  let receiver: Receiver;
  let running: FalEmulator | undefined;
  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'fal-emulator-'));
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    await receiver?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('a request submitted before close completes after restart and its webhook is delivered', async () => {
    receiver = await startReceiver();
    const first = await startTestEmulator({ stateDir, queueMs: 100, generationMs: 200 });
    const jwksBefore = await (await fetch(first.jwksUrl)).text();
    const submitted = await submitOk(first, SEEDANCE_T2V, { prompt: 'survives a restart' }, receiver.url);
    await first.close();
    expect(receiver.deliveries).toHaveLength(0);
    const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as { requests: unknown[] };
    expect(state.requests).toHaveLength(1);

    running = await startTestEmulator({ stateDir, port: portOf(first), queueMs: 100, generationMs: 200 });
    expect(await (await fetch(running.jwksUrl)).text()).toBe(jwksBefore);
    const [delivery] = await receiver.waitFor(1);
    if (!delivery) throw new Error('no delivery');
    expect(delivery.headers['x-fal-webhook-request-id']).toBe(submitted.request_id);
    expect(await verifyDelivery(delivery, running.jwksUrl)).toBe(true);
    const status = await falFetch(submitted.status_url);
    expect(status.status).toBe(200);
    const result = (await (await falFetch(submitted.response_url)).json()) as { video: { url: string } };
    const video = await fetch(result.video.url);
    expect(video.status).toBe(200);
    expect(
      Buffer.from(await video.arrayBuffer()).equals(await running.outputBytes(submitted.request_id)),
    ).toBe(true);
  });

  it('a webhook waiting for a retry is retried after restart', async () => {
    receiver = await startReceiver((n) => (n === 0 ? 503 : 200));
    const options = { stateDir, queueMs: 10, generationMs: 10, webhookRetryDelaysMs: [400] };
    const first = await startTestEmulator(options);
    const { request_id } = await submitOk(first, SEEDANCE_T2V, { prompt: 'retry later' }, receiver.url);
    await receiver.waitFor(1);
    // the receiver has the request before the emulator has its 503: wait until the failure is recorded
    await waitUntil(() => first.request(request_id)?.webhook?.failures === 1);
    expect(first.request(request_id)?.webhook?.nextAttemptAt).not.toBeNull();
    await first.close();
    running = await startTestEmulator({ ...options, port: portOf(first) });
    const deliveries = await receiver.waitFor(2);
    expect(deliveries[1]?.body.equals(deliveries[0]?.body ?? Buffer.alloc(0))).toBe(true);
    await waitUntil(() => running?.request(request_id)?.webhook?.delivered === true);
    expect(running.request(request_id)?.webhook).toMatchObject({ attempts: 2, failures: 1 });
  });

  it('uploads keep serving after restart, completed results stay fetchable', async () => {
    const first = await startTestEmulator({ stateDir });
    const url = await falClientFor(first).client.storage.upload(
      new Blob(['hello bytes'], { type: 'text/plain' }),
    );
    const { request_id, response_url } = await submitOk(first, SEEDANCE_T2V, { prompt: 'done before close' });
    await waitForCompletion(first, request_id);
    await first.close();

    running = await startTestEmulator({ stateDir, port: portOf(first) });
    expect(await (await fetch(url)).text()).toBe('hello bytes');
    expect((await falFetch(response_url)).status).toBe(200);
    expect(running.request(request_id)?.outcome).toBe('ok');
  });
});
