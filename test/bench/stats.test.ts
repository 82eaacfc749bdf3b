import { describe, expect, it } from 'vitest';
import { median, percentile, round } from '../../dev/bench/stats.ts';

describe('bench statistics', () => {
  it('takes the nearest-rank percentile, whatever the order of the samples', () => {
    const samples = [9, 1, 8, 2, 7, 3, 6, 4, 5, 10];
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 90)).toBe(9);
    expect(percentile(samples, 99)).toBe(10);
    expect(percentile(samples, 100)).toBe(10);
    expect(percentile(samples, 0)).toBe(1);
  });

  it('lets one slow sample in a hundred show at p99 but not at p50', () => {
    const samples = [...Array.from({ length: 99 }, () => 2), 500];
    expect(percentile(samples, 50)).toBe(2);
    expect(percentile(samples, 99)).toBe(2);
    expect(percentile([...samples, 500], 99)).toBe(500);
  });

  it('answers NaN for no samples and refuses a percentile outside 0..100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(median([])).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('takes the median of odd and even counts without changing the input', () => {
    const even = [4, 1, 3, 2];
    expect(median([3, 1, 2])).toBe(2);
    expect(median(even)).toBe(2.5);
    expect(even).toEqual([4, 1, 3, 2]);
  });

  it('rounds to the given decimals', () => {
    expect(round(2.345, 2)).toBe(2.35);
    expect(round(1234.5, 0)).toBe(1235);
  });
});
