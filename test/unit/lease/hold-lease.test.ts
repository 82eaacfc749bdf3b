import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  abandoned,
  isLive,
  LeaseHeldError,
  renewLease,
  takeLease,
} from '../../../functions/core/domain/lease.ts';
import { holdLease, LeaseLostError } from '../../../functions/core/lease/hold-lease.ts';

const TTL = 60_000;
const EVERY = 20_000;

/** A lease record as a store would keep it, with the clock the timers move. */
function leaseStore() {
  let lease = takeLease(undefined, 'me', Date.now(), TTL);
  const calls: string[] = [];
  return {
    calls,
    get lease() {
      return lease;
    },
    takeOver(holder: string) {
      lease = { holder, version: 1, until: Date.now() + TTL };
    },
    renew: async () => {
      calls.push(`renew at ${Date.now()}`);
      const next = renewLease(lease, 'me', Date.now(), TTL);
      if (next) lease = next;
      return next?.until;
    },
  };
}

/** Work that runs until it is told to stop, as the contract asks. */
const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((_, reject) =>
    signal.addEventListener('abort', () => reject(new Error('stream destroyed'))),
  );

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a lease as a value', () => {
  it('is taken when free or run out, renewed only by its holder, and reports what it replaced', () => {
    const lease = takeLease(undefined, 'a', 0, TTL);
    expect(lease).toEqual({ holder: 'a', version: 1, until: TTL });
    expect(() => takeLease(lease, 'b', TTL - 1, TTL)).toThrow(LeaseHeldError);
    expect(renewLease(lease, 'a', 10, TTL)).toEqual({ holder: 'a', version: 2, until: 10 + TTL });
    expect(renewLease(lease, 'b', 10, TTL)).toBeUndefined();
    expect(renewLease(undefined, 'a', 10, TTL)).toBeUndefined();
    expect(isLive(lease, TTL)).toBe(false);
    expect(abandoned(lease, TTL - 1)).toBeUndefined();
    expect(abandoned(lease, TTL)).toBe(lease);
    expect(takeLease(lease, 'b', TTL, TTL).holder).toBe('b');
  });
});

describe('holding a lease while work runs', () => {
  it('renews at the interval until the work ends, then never again', async () => {
    const store = leaseStore();
    let finish: (value: string) => void = () => {};
    const held = holdLease(
      { renew: store.renew, until: store.lease.until, renewEveryMs: EVERY, now: Date.now },
      () =>
        new Promise<string>((resolve) => {
          finish = resolve;
        }),
    );
    // ten leases' worth of work
    await vi.advanceTimersByTimeAsync(10 * TTL);
    expect(store.calls).toHaveLength((10 * TTL) / EVERY);
    expect(store.lease).toMatchObject({ holder: 'me', version: 1 + (10 * TTL) / EVERY });
    finish('copied');
    await expect(held).resolves.toBe('copied');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aborts the work and throws LeaseLostError when another worker took the lease over', async () => {
    const store = leaseStore();
    let seen: unknown;
    const held = holdLease(
      { renew: store.renew, until: store.lease.until, renewEveryMs: EVERY, now: Date.now },
      ({ signal }) =>
        new Promise<string>((resolve) => {
          signal.addEventListener('abort', () => {
            seen = signal.reason;
            // the work answers anyway (it finished just then): its answer must not count
            resolve('copied');
          });
        }),
    );
    const outcome = expect(held).rejects.toBeInstanceOf(LeaseLostError);
    await vi.advanceTimersByTimeAsync(EVERY);
    store.takeOver('successor');
    await vi.advanceTimersByTimeAsync(EVERY);
    await outcome;
    expect(seen).toBeInstanceOf(LeaseLostError);
    expect(store.lease.holder).toBe('successor');
  });

  it('rides out failed renewals while the lease lasts, and gives up once it may have run out', async () => {
    let failing = true;
    const store = leaseStore();
    const renew = async () => {
      if (failing) throw new Error('ProvisionedThroughputExceeded');
      return store.renew();
    };
    let aborted = false;
    const held = holdLease(
      { renew, until: store.lease.until, renewEveryMs: EVERY, now: Date.now },
      ({ signal }) => {
        signal.addEventListener('abort', () => {
          aborted = true;
        });
        return untilAborted(signal);
      },
    );
    const outcome = expect(held).rejects.toThrow(/no renewal succeeded/);
    await vi.advanceTimersByTimeAsync(2 * EVERY);
    expect(aborted).toBe(false);
    failing = false;
    await vi.advanceTimersByTimeAsync(EVERY);
    expect(store.lease.version).toBe(2);
    failing = true;
    await vi.advanceTimersByTimeAsync(TTL + EVERY);
    await outcome;
    expect(aborted).toBe(true);
  });

  it('counts a renewal that hangs past the lease’s end (a paused store) as lost', async () => {
    const store = leaseStore();
    const held = holdLease(
      { renew: () => new Promise(() => {}), until: store.lease.until, renewEveryMs: EVERY, now: Date.now },
      ({ signal }) => untilAborted(signal),
    );
    const outcome = expect(held).rejects.toThrow(/unanswered/);
    await vi.advanceTimersByTimeAsync(TTL + EVERY);
    await outcome;
  });

  it('confirm() renews at once: the fence before an irreversible write', async () => {
    const store = leaseStore();
    const fenced = holdLease(
      { renew: store.renew, until: store.lease.until, renewEveryMs: EVERY, now: Date.now },
      async (lease) => {
        await lease.confirm();
        return lease.renewals();
      },
    );
    await expect(fenced).resolves.toBe(1);
    store.takeOver('successor');
    const refused = holdLease(
      { renew: store.renew, until: store.lease.until, renewEveryMs: EVERY, now: Date.now },
      async (lease) => {
        await lease.confirm();
        return 'written';
      },
    );
    await expect(refused).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('confirm() trusts a lease with confirmAboveMs left, and renews an older one, lost or not', async () => {
    const store = leaseStore();
    const fresh = { renew: store.renew, renewEveryMs: EVERY, confirmAboveMs: TTL - EVERY, now: Date.now };
    // just taken: nobody can take it over before it runs out, so the fence is already there
    const trusted = holdLease({ ...fresh, until: store.lease.until }, async (lease) => {
      await lease.confirm();
      return lease.renewals();
    });
    await expect(trusted).resolves.toBe(0);
    expect(store.calls).toEqual([]);
    // taken longer ago than one renewal interval: confirmed by a write
    const older = holdLease({ ...fresh, until: Date.now() + TTL - EVERY - 1 }, async (lease) => {
      await lease.confirm();
      return lease.renewals();
    });
    await expect(older).resolves.toBe(1);
    expect(store.calls).toHaveLength(1);
    store.takeOver('successor');
    const refused = holdLease({ ...fresh, until: Date.now() + TTL - EVERY - 1 }, async (lease) => {
      await lease.confirm();
      return 'written';
    });
    await expect(refused).rejects.toBeInstanceOf(LeaseLostError);
  });
});
