import { describe, expect, it } from 'vitest';
import { pooled } from '../../dev/bench/worker-pool.ts';

/** A handler that answers only when the test lets it, counting how many run at once. */
function gatedHandler() {
  const gates: Array<() => void> = [];
  let running = 0;
  let most = 0;
  const handler = async () => {
    running++;
    most = Math.max(most, running);
    await new Promise<void>((open) => gates.push(open));
    running--;
    return new Response('done');
  };
  const openAll = () => {
    for (const open of gates.splice(0)) open();
  };
  return { handler, openAll, most: () => most, gates };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('bench worker pool', () => {
  it('runs at most `workers` requests at once and lets the waiting ones in as workers free up', async () => {
    const gated = gatedHandler();
    const fetch = pooled(gated.handler, { workers: 2, timeoutMs: 10_000 });
    const answers = Array.from({ length: 5 }, () => fetch(new Request('http://pool.test/')));
    await tick();
    expect(gated.gates).toHaveLength(2);
    while (gated.gates.length > 0) {
      gated.openAll();
      await tick();
    }
    const statuses = (await Promise.all(answers)).map((r) => r.status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(gated.most()).toBe(2);
  });

  it('answers 504 to a request still waiting for a worker at its timeout', async () => {
    const gated = gatedHandler();
    const fetch = pooled(gated.handler, { workers: 1, timeoutMs: 50 });
    const first = fetch(new Request('http://pool.test/'));
    const second = fetch(new Request('http://pool.test/'));
    expect((await first).status).toBe(504);
    expect((await second).status).toBe(504);
    // the handler that timed out still holds the only worker, as a Lambda outlives its gateway
    expect(gated.gates).toHaveLength(1);
    gated.openAll();
  });

  it('frees the worker of a timed-out request only when its handler returns', async () => {
    const gated = gatedHandler();
    const fetch = pooled(gated.handler, { workers: 1, timeoutMs: 50 });
    expect((await fetch(new Request('http://pool.test/'))).status).toBe(504);
    gated.openAll();
    await tick();
    const next = fetch(new Request('http://pool.test/'));
    await tick();
    gated.openAll();
    expect((await next).status).toBe(200);
  });
});
