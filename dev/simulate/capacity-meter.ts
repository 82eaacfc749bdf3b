import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB's billing and partition limits, as published: a write costs 1 WRU per KB of the larger of
 * the item before and after it (rounded up), a strongly consistent read 1 RRU per 4 KB (eventually
 * consistent: half), each index an item is written to costs the same again for the index's copy, and
 * one partition serves at most 3,000 RRU and 1,000 WRU a second
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html,
 * .../read-write-operations.html). Burst and adaptive capacity are left out: the model is the floor.
 */
export const PARTITION_WRU_PER_SECOND = 1_000;
export const PARTITION_RRU_PER_SECOND = 3_000;

export type Item = Record<string, AttributeValue>;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** A number's stored size: about one byte per two significant digits, plus one. */
function numberSize(text: string): number {
  const digits = text.replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS) return value.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (value.NS) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.BS) return value.BS.reduce((sum, b) => sum + b.byteLength, 0);
  if (value.L) return 3 + value.L.reduce((sum, v) => sum + 1 + valueSize(v), 0);
  if (value.M) return 3 + Object.keys(value.M).length + itemSize(value.M);
  return 0;
}

/** An item's size as DynamoDB counts it: attribute names and values, in bytes. */
export function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += utf8(name) + valueSize(value);
  return size;
}

/** WRU of one write of an item that was `before` bytes and is `after` bytes (a failed condition: after = before). */
export function writeUnits(before: number, after: number): number {
  return Math.max(1, Math.ceil(Math.max(before, after) / 1024));
}

/** RRU of a read returning `bytes` in all (a Query sums its items before rounding). */
export function readUnits(bytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(bytes / 4096));
  return consistent ? units : units / 2;
}

interface Second {
  second: number;
  wru: number;
  rru: number;
}

/** Totals for one partition: what it consumed, its busiest second, and how often it refused. */
export interface PartitionUse {
  key: string;
  wru: number;
  rru: number;
  writes: number;
  reads: number;
  peakWruPerSecond: number;
  peakRruPerSecond: number;
  throttles: number;
}

/**
 * Per-partition accounts by (simulated) second: charges what each request consumed, and refuses a
 * request to a partition that has already spent its second's limit (what DynamoDB answers with
 * ProvisionedThroughputExceededException).
 */
export class PartitionMeter {
  private readonly seconds = new Map<string, Second>();
  private readonly totals = new Map<string, PartitionUse>();

  constructor(private readonly now: () => number) {}

  private current(key: string): Second {
    const second = Math.floor(this.now() / 1000);
    let bucket = this.seconds.get(key);
    if (!bucket || bucket.second !== second) {
      bucket = { second, wru: 0, rru: 0 };
      this.seconds.set(key, bucket);
    }
    return bucket;
  }

  private total(key: string): PartitionUse {
    let use = this.totals.get(key);
    if (!use) {
      use = {
        key,
        wru: 0,
        rru: 0,
        writes: 0,
        reads: 0,
        peakWruPerSecond: 0,
        peakRruPerSecond: 0,
        throttles: 0,
      };
      this.totals.set(key, use);
    }
    return use;
  }

  /** Whether a request of this kind may go to these partitions now; a refusal is counted against each full one. */
  admits(keys: string[], kind: 'read' | 'write'): boolean {
    const full = keys.filter((key) => {
      const bucket = this.current(key);
      return kind === 'write'
        ? bucket.wru >= PARTITION_WRU_PER_SECOND
        : bucket.rru >= PARTITION_RRU_PER_SECOND;
    });
    for (const key of full) this.total(key).throttles++;
    return full.length === 0;
  }

  charge(key: string, kind: 'read' | 'write', units: number): void {
    const bucket = this.current(key);
    const use = this.total(key);
    if (kind === 'write') {
      bucket.wru += units;
      use.wru += units;
      use.writes++;
      use.peakWruPerSecond = Math.max(use.peakWruPerSecond, bucket.wru);
    } else {
      bucket.rru += units;
      use.rru += units;
      use.reads++;
      use.peakRruPerSecond = Math.max(use.peakRruPerSecond, bucket.rru);
    }
  }

  partitions(): PartitionUse[] {
    return [...this.totals.values()];
  }
}
