import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Results, bundles and scratch files: under .data/ (gitignored), never in the tree. */
export const BENCH_DIR = fileURLToPath(new URL('../../.data/bench/', import.meta.url));
mkdirSync(BENCH_DIR, { recursive: true });
