import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { localSchema } from '../../../dev/local-config.ts';
import { SETTINGS } from '../../../functions/core/config.ts';

const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
/** Every `NAME` in the first column of the doc's tables. */
const documented = new Set(
  doc
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) =>
      [...(line.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1] as string),
    ),
);

describe('docs/configuration.md', () => {
  it('documents every setting the service reads', () => {
    const missing = Object.keys(SETTINGS).filter((name) => !documented.has(name));
    expect(missing).toEqual([]);
  });

  it('documents nothing the service or the local stack does not read', () => {
    const known = new Set([...Object.keys(SETTINGS), ...Object.keys(localSchema.shape)]);
    expect([...documented].filter((name) => !known.has(name))).toEqual([]);
  });
});
