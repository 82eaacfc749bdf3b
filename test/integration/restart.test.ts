import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../support/test-stack.ts';
import { waitUntil } from '../support/wait-for.ts';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const dataDir = mkdtempSync(join(tmpdir(), 'reelay-restart-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('a restart loses nothing', () => {
  it('jobs in flight when the process stopped finish after it starts again', async () => {
    // fixed ports, as `npm start` has: webhook and media URLs recorded before the stop stay valid
    const env = {
      PORT: String(await freePort()),
      REELAY_LOCAL_FAL_PORT: String(await freePort()),
      REELAY_LOCAL_S3_PORT: String(await freePort()),
      REELAY_LOCAL_DYNAMODB_PORT: String(await freePort()),
    };
    const options = {
      dataDir,
      inMemory: false,
      env,
      emulator: { generationMs: 1_500, webhookRetryDelaysMs: [300, 300, 300, 300] },
    };
    const first = await startTestStack(options);
    const running = await first.createVideo({ prompt: 'survives a restart', seconds: '4' });
    const queued = await first.createVideo({ prompt: 'fal was down [fal:drop_webhook]', seconds: '4' });
    await first.waitForJob(running.id, ['submitted']);
    await first.close();

    const second = await startTestStack({ ...options, emulator: { ...options.emulator } });
    try {
      // the emulator delivers the webhook it could not deliver while we were down
      const job = await second.waitForJob(running.id, ['completed'], 20_000);
      expect(job.archive?.bytes).toBeGreaterThan(0);
      // the dropped webhook is made up for by polling, as always, once fal has finished it (a poll
      // before that only schedules the next one, and this test runs no schedule)
      const { requestId } = await second.job(queued.id);
      await waitUntil(() => second.emulator?.request(requestId ?? '')?.state === 'COMPLETED', 10_000, 'fal');
      second.advance(60 * 60_000);
      await second.reconcile();
      expect((await second.waitForJob(queued.id, ['completed'], 20_000)).state).toBe('completed');
      const listed = await (await second.api('/v1/videos')).json();
      expect(listed.data.map((v: { id: string }) => v.id)).toEqual([queued.id, running.id]);
    } finally {
      await second.close();
    }
  });
});
