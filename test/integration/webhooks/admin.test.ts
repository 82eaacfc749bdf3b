import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../../dev/admin/cli.ts';
import { type Receiver, startReceiver } from '../../../dev/webhook-receiver.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

let stack: TestStack;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startTestStack();
  receiver = await startReceiver();
});
afterAll(async () => {
  await stack.close();
  await receiver.close();
});

async function admin(...argv: string[]): Promise<string[]> {
  const lines: string[] = [];
  await runAdmin(argv, {
    keys: stack.deps.keys,
    tenants: stack.deps.tenants,
    webhook: { webhooks: stack.deps.webhooks, jobs: stack.deps.jobs, secretBox: stack.deps.secretBox },
    defaults: stack.deps.config.tenantDefaults,
    now: stack.deps.now,
    print: (line) => lines.push(line),
  });
  return lines;
}

describe('admin CLI: webhooks and the callback secret', () => {
  it('lists a tenant’s endpoints without their secrets, and re-sends an event with its id', async () => {
    const created = await (
      await stack.api('/v1/webhook_endpoints', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: `${receiver.url}/cli`, name: 'cli', event_types: ['video.completed'] }),
      })
    ).json();
    const listed = await admin('webhooks', 'list', '--tenant', 'local');
    expect(listed).toHaveLength(1);
    expect(JSON.parse(listed[0] as string)).toMatchObject({ id: created.id, url: `${receiver.url}/cli` });
    expect(listed.join('\n')).not.toContain(created.signing_secret);

    const video = await stack.createVideo({ prompt: 'an echo', seconds: '4' });
    await stack.settle(video.id);
    await receiver.waitFor('/cli', 1);
    await stack.eventQueue.drained();
    const [line] = await admin('webhooks', 'resend', video.id);
    expect(line).toContain('video.completed');
    await stack.reconcile();
    const deliveries = await receiver.waitFor('/cli', 2);
    expect(new Set(deliveries.map((d) => d.headers['webhook-id'])).size).toBe(1);
    await expect(admin('webhooks', 'resend', 'video_0')).rejects.toThrow(/video id/);
  });

  it('reads and rotates the callback secret the API shows', async () => {
    const [fromCli] = await admin('callback-secret', 'get', '--tenant', 'local');
    const fromApi = await (await stack.api('/v1/callback_secret')).json();
    expect(fromCli).toBe(fromApi.signing_secret);
    const [rotated] = await admin('callback-secret', 'rotate', '--tenant', 'local', '--keep-old');
    expect(rotated).not.toBe(fromCli);
    const after = await (await stack.api('/v1/callback_secret')).json();
    expect(after).toMatchObject({ signing_secret: rotated, previous_secret_expires_at: expect.any(Number) });
  });
});
