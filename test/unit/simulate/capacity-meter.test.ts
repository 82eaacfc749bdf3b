import { describe, expect, it } from 'vitest';
import {
  itemSize,
  PARTITION_WRU_PER_SECOND,
  PartitionMeter,
  readUnits,
  writeUnits,
} from '../../../dev/simulate/capacity-meter.ts';

describe('the simulation’s DynamoDB charging', () => {
  it('sizes an item by its names and values, maps and lists included', () => {
    expect(itemSize({ pk: { S: 'global' } })).toBe(2 + 6);
    // a number: one byte per two significant digits, plus one
    expect(itemSize({ n: { N: '1764527000000' } })).toBe(1 + 5);
    // a map: 3 bytes, 1 per entry, and its entries' names and values
    expect(itemSize({ active: { M: { video_a: { N: '12' }, video_b: { N: '12' } } } })).toBe(
      6 + 3 + 2 + (7 + 2) * 2,
    );
    expect(itemSize({ l: { L: [{ S: 'ab' }, { BOOL: true }] } })).toBe(1 + 3 + (1 + 2) + (1 + 1));
    expect(itemSize(undefined)).toBe(0);
  });

  it('charges a write by the larger side in whole KB, a read per 4 KB (half when eventually consistent)', () => {
    expect(writeUnits(0, 100)).toBe(1);
    expect(writeUnits(80 * 1024, 100)).toBe(80);
    expect(writeUnits(1025, 1024)).toBe(2);
    expect(readUnits(100, true)).toBe(1);
    expect(readUnits(4097, true)).toBe(2);
    expect(readUnits(4097, false)).toBe(1);
    expect(readUnits(0, false)).toBe(0.5);
  });

  it('refuses a partition past its second’s limit, counts the refusals, and lets it go the next second', () => {
    let now = 10_000;
    const meter = new PartitionMeter(() => now);
    for (let i = 0; i < 12; i++) {
      expect(meter.admits(['t|hot', 't|cold'], 'write')).toBe(true);
      meter.charge('t|hot', 'write', 80);
      meter.charge('t|cold', 'write', 1);
    }
    // 12 × 80 = 960 WRU: one more 80 KB write fits, the next is refused
    expect(meter.admits(['t|hot'], 'write')).toBe(true);
    meter.charge('t|hot', 'write', 80);
    expect(meter.admits(['t|hot'], 'write')).toBe(false);
    expect(meter.admits(['t|cold', 't|hot'], 'write')).toBe(false);
    // reads have their own budget on the same partition
    expect(meter.admits(['t|hot'], 'read')).toBe(true);
    now += 1_000;
    expect(meter.admits(['t|hot'], 'write')).toBe(true);
    const hot = meter.partitions().find((p) => p.key === 't|hot');
    expect(hot).toMatchObject({ throttles: 2, writes: 13, wru: 1040, peakWruPerSecond: 1040 });
    expect(hot?.peakWruPerSecond).toBeGreaterThan(PARTITION_WRU_PER_SECOND);
    expect(meter.partitions().find((p) => p.key === 't|cold')?.throttles).toBe(0);
  });
});
