import type { Cell } from './table.ts';

/** What one benchmark hands back: a table for people and data for the JSON file. */
export interface BenchResult {
  columns: string[];
  rows: Cell[][];
  /** One line per ratio or conclusion, printed under the table. */
  notes: string[];
  data: Record<string, unknown>;
}

export interface Bench {
  name: string;
  title: string;
  /** Upper bound on the whole benchmark; the runner fails it past this. */
  timeoutMs: number;
  run(): Promise<BenchResult>;
}
