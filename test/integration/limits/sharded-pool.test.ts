import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { shardCap } from '../../../functions/core/domain/limits.ts';
import type { UsageStore } from '../../../functions/core/store/usage-store.ts';
import { startUsageDb, type UsageDb } from '../../support/usage-db.ts';

let db: UsageDb;
beforeAll(async () => {
  db = await startUsageDb();
});
afterAll(() => db.close());

const SHARDS = 4;
const ids = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

/** Holders per shard, read shard by shard. */
async function held(usage: UsageStore): Promise<number[]> {
  return Promise.all(
    Array.from(
      { length: SHARDS },
      async (_, shard) => Object.keys((await usage.get({ shard })).active).length,
    ),
  );
}

describe('the deployment pool over shards (conditional writes on dynalite)', () => {
  let usage: UsageStore;
  beforeEach(async () => {
    usage = db.sharded(SHARDS);
    // each case starts from empty shards
    for (const { scope, pool } of await usage.list())
      if (scope !== 'global' && 'shard' in scope)
        for (const id of Object.keys(pool.active)) await usage.release(scope, id);
  });

  it('many instances taking at once get exactly the cap, no shard past its part', async () => {
    const stores = Array.from({ length: 6 }, () => db.sharded(SHARDS));
    const taken = await Promise.all(
      ids(60, 'race').map((id, i) => stores[i % stores.length]?.takeSharedSlot(id, 1, 10)),
    );
    expect(taken.filter((shard) => shard !== undefined)).toHaveLength(10);
    const perShard = await held(usage);
    expect(perShard).toEqual([0, 1, 2, 3].map((shard) => shardCap(10, SHARDS, shard)));
    // every winner was told the shard that holds it
    for (const [i, shard] of taken.entries())
      if (shard !== undefined)
        expect(Object.keys((await usage.get({ shard })).active)).toContain(`race-${i}`);
    expect(Object.keys((await usage.get('global')).active)).toHaveLength(10);
  });

  it('a job refused by its own shard finds room in another: the cap is the sum', async () => {
    // 4 slots over 4 shards: each takes one, wherever the ids start
    const taken = [];
    for (const id of ids(4, 'sum')) taken.push(await usage.takeSharedSlot(id, 1, 4));
    expect(new Set(taken).size).toBe(4);
    expect(await usage.takeSharedSlot('sum-extra', 1, 4)).toBeUndefined();
    // a slot freed in any shard is found by the next taker
    await usage.release({ shard: taken[2] as number }, 'sum-2');
    expect(await usage.takeSharedSlot('sum-extra', 2, 4)).toBe(taken[2]);
  });

  it('a cap smaller than the shards leaves the surplus shards unused, not over', async () => {
    const taken = await Promise.all(ids(8, 'small').map((id) => usage.takeSharedSlot(id, 1, 2)));
    expect(taken.filter((shard) => shard !== undefined).sort()).toEqual([0, 1]);
    expect(await held(usage)).toEqual([1, 1, 0, 0]);
  });

  it('a release is idempotent and frees only its own slot', async () => {
    const a = (await usage.takeSharedSlot('own-a', 1, 8)) as number;
    const b = (await usage.takeSharedSlot('own-b', 1, 8)) as number;
    await Promise.all([usage.release({ shard: a }, 'own-a'), usage.release({ shard: a }, 'own-a')]);
    await usage.release({ shard: a }, 'own-a');
    expect(Object.keys((await usage.get('global')).active)).toEqual(['own-b']);
    expect(Object.keys((await usage.get({ shard: b })).active)).toEqual(['own-b']);
  });

  it('lists each shard on its own for the repair pass', async () => {
    // one holder in each shard: every shard's item exists
    for (const id of ids(4, 'listed')) await usage.takeSharedSlot(id, 1, 4);
    const shards = (await usage.list()).flatMap(({ scope }) =>
      scope !== 'global' && 'shard' in scope ? [scope.shard] : [],
    );
    expect(new Set(shards)).toEqual(new Set([0, 1, 2, 3]));
  });
});
