import { describe, expect, it } from 'vitest';
import { onFirstUse } from '../../../functions/core/wiring/on-first-use.ts';

interface Counter {
  add(by: number): Promise<number>;
  read(): Promise<number>;
}

/** A counter built by a load that is recorded, and that fails as many times as `failures` says. */
function counted(failures = 0) {
  const loads: string[] = [];
  let toFail = failures;
  const counter = onFirstUse<Counter>(
    async () => {
      loads.push('load');
      if (toFail-- > 0) throw new Error('module not found');
      let total = 0;
      // methods that need their `this`, as a class-based SDK adapter's do
      return {
        step: 1,
        async add(this: { step: number }, by: number) {
          total += by * this.step;
          return total;
        },
        async read() {
          return total;
        },
      };
    },
    { add: true, read: true },
  );
  return { counter, loads };
}

describe('onFirstUse', () => {
  it('builds nothing until the first call', () => {
    const { counter, loads } = counted();
    expect(Object.keys(counter).sort()).toEqual(['add', 'read']);
    expect(loads).toEqual([]);
  });

  it('builds once, for concurrent first calls too, and passes arguments and answers through', async () => {
    const { counter, loads } = counted();
    expect(await Promise.all([counter.add(2), counter.add(3), counter.read()])).toEqual([2, 5, 5]);
    expect(await counter.add(10)).toBe(15);
    expect(loads).toEqual(['load']);
  });

  it('a failed build fails the call and is tried again on the next', async () => {
    const { counter, loads } = counted(1);
    await expect(counter.read()).rejects.toThrow('module not found');
    expect(await counter.add(4)).toBe(4);
    expect(loads).toEqual(['load', 'load']);
  });

  it("an adapter method's own rejection reaches the caller and keeps the built adapter", async () => {
    const loads: string[] = [];
    const failing = onFirstUse<Pick<Counter, 'read'>>(
      async () => {
        loads.push('load');
        return {
          read: () => Promise.reject(new Error('S3 said no')),
        };
      },
      { read: true },
    );
    await expect(failing.read()).rejects.toThrow('S3 said no');
    await expect(failing.read()).rejects.toThrow('S3 said no');
    expect(loads).toEqual(['load']);
  });
});
