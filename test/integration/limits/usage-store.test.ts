import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageStore } from '../../../functions/core/store/usage-store.ts';
import { startUsageDb, type UsageDb } from '../../support/usage-db.ts';

let db: UsageDb;
let usage: UsageStore;
beforeAll(async () => {
  db = await startUsageDb();
  usage = db.usage;
});
afterAll(() => db.close());

const ids = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('usage store: slots (DynamoDB conditional writes on dynalite)', () => {
  it('gives exactly max slots, and a holder asking again keeps its slot and its first time', async () => {
    const pool = { tenant: 'cap' };
    for (const id of ids(3, 'a')) expect(await usage.takeSlot(pool, id, 1, 3)).toBe(true);
    expect(await usage.takeSlot(pool, 'a-3', 2, 3)).toBe(false);
    expect(await usage.takeSlot(pool, 'a-0', 9, 3)).toBe(true);
    expect(await usage.get(pool)).toMatchObject({ active: { 'a-0': 1, 'a-1': 1, 'a-2': 1 }, maxActive: 3 });
  });

  it('records the cap an admission used, so pumps elsewhere need not read the tenant', async () => {
    const pool = { tenant: 'recorded-cap' };
    await usage.enqueue(pool, 'c-0', 1, 10, 4);
    expect((await usage.get(pool)).maxActive).toBe(4);
    await usage.takeSlot(pool, 'c-1', 1, 2);
    expect((await usage.get(pool)).maxActive).toBe(2);
  });

  it('never overshoots when many instances take slots at once', async () => {
    const pool = { tenant: 'race' };
    const stores = Array.from({ length: 6 }, () => db.another());
    const taken = await Promise.all(
      ids(40, 'r').map((id, i) => stores[i % stores.length]?.takeSlot(pool, id, 1, 7)),
    );
    expect(taken.filter(Boolean)).toHaveLength(7);
    expect(Object.keys((await usage.get(pool)).active)).toHaveLength(7);
  });

  it('a new job does not take a slot while others wait, unless asked to ignore the queue', async () => {
    const pool = { tenant: 'fifo' };
    expect(await usage.enqueue(pool, 'w-0', 5, 10)).toBe(true);
    expect(await usage.takeSlot(pool, 'n-0', 6, 3, true)).toBe(false);
    expect(await usage.takeSlot(pool, 'n-0', 6, 3)).toBe(true);
  });

  it('queues at most maxQueued; re-enqueueing keeps the ticket', async () => {
    const pool = { tenant: 'queue' };
    expect(await usage.enqueue(pool, 'q-0', 10, 2)).toBe(true);
    expect(await usage.enqueue(pool, 'q-1', 11, 2)).toBe(true);
    expect(await usage.enqueue(pool, 'q-2', 12, 2)).toBe(false);
    expect(await usage.enqueue(pool, 'q-0', 99, 2)).toBe(true);
    expect((await usage.get(pool)).waiting).toEqual({ 'q-0': 10, 'q-1': 11 });
  });

  it('promotes a waiting job into a free slot once, and never past the cap', async () => {
    const pool = { tenant: 'promote' };
    await usage.enqueue(pool, 'p-0', 1, 10);
    await usage.enqueue(pool, 'p-1', 2, 10);
    const both = await Promise.all([
      usage.promote(pool, 'p-0', 5, 1),
      db.another().promote(pool, 'p-0', 5, 1),
    ]);
    expect(both.filter(Boolean)).toHaveLength(1);
    expect(await usage.promote(pool, 'p-1', 6, 1)).toBe(false);
    await usage.requeue(pool, 'p-0', 1);
    expect(await usage.get(pool)).toMatchObject({ active: {}, waiting: { 'p-0': 1, 'p-1': 2 } });
  });

  it('release is idempotent and frees exactly that job; with ifSince it spares an entry taken again', async () => {
    const pool = { tenant: 'release' };
    await usage.takeSlot(pool, 'x', 1, 2);
    await usage.takeSlot(pool, 'y', 1, 2);
    await usage.release(pool, 'x');
    await usage.release(pool, 'x');
    expect((await usage.get(pool)).active).toEqual({ y: 1 });
    await usage.release(pool, 'y', 999);
    expect((await usage.get(pool)).active).toEqual({ y: 1 });
    await usage.release(pool, 'y', 1);
    expect((await usage.get(pool)).active).toEqual({});
  });

  it('lists every pool for the repair pass, the global one included', async () => {
    await usage.takeSlot('global', 'g', 1, 50);
    const scopes = (await usage.list()).map(({ scope }) =>
      scope === 'global' ? 'global' : 'shard' in scope ? `shard ${scope.shard}` : scope.tenant,
    );
    expect(scopes).toEqual(expect.arrayContaining(['shard 0', 'cap', 'race', 'queue']));
  });
});

describe('usage store: daily spend in micro-dollars', () => {
  it('allows spend up to the limit exactly and refuses a cent past it', async () => {
    const pool = { tenant: 'spend' };
    expect(await usage.reserveSpend(pool, '2026-11-21', 400_000, 1_000_000)).toBe(true);
    expect(await usage.reserveSpend(pool, '2026-11-21', 600_000, 1_000_000)).toBe(true);
    expect(await usage.reserveSpend(pool, '2026-11-21', 1, 1_000_000)).toBe(false);
    expect(await usage.get(pool)).toMatchObject({ spendDay: '2026-11-21', spentMicros: 1_000_000 });
  });

  it('a new day starts from nothing; an older day never writes over a newer one', async () => {
    const pool = { tenant: 'days' };
    await usage.reserveSpend(pool, '2026-11-21', 900_000, 1_000_000);
    expect(await usage.reserveSpend(pool, '2026-11-22', 900_000, 1_000_000)).toBe(true);
    expect(await usage.reserveSpend(pool, '2026-11-21', 50_000, 1_000_000)).toBe(false);
    expect(await usage.get(pool)).toMatchObject({ spendDay: '2026-11-22', spentMicros: 900_000 });
  });

  it('a refund goes back to its own day only', async () => {
    const pool = { tenant: 'refund' };
    await usage.reserveSpend(pool, '2026-11-21', 300_000, 1_000_000);
    await usage.refundSpend(pool, '2026-11-21', 300_000);
    expect((await usage.get(pool)).spentMicros).toBe(0);
    await usage.reserveSpend(pool, '2026-11-22', 300_000, 1_000_000);
    await usage.refundSpend(pool, '2026-11-21', 300_000);
    expect((await usage.get(pool)).spentMicros).toBe(300_000);
  });

  it('concurrent reservations never pass the limit', async () => {
    const pool = { tenant: 'spend-race' };
    const results = await Promise.all(
      Array.from({ length: 30 }, () => db.another().reserveSpend(pool, '2026-11-21', 100_000, 1_000_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(10);
    expect((await usage.get(pool)).spentMicros).toBe(1_000_000);
  });
});
