import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../dev/fal-emulator/json.ts';
import { toFalWireJson } from '../../dev/fal-emulator/wire-json.ts';

const FIXTURES = '/work/shared/fixtures/fal-webhooks';
const fixtures = readdirSync(FIXTURES).filter((name) => name.endsWith('.json'));

describe('toFalWireJson', () => {
  it('has fixtures to check', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
  });

  it.each(fixtures)('reproduces %s byte for byte from lossless-json values', (name) => {
    const raw = readFileSync(join(FIXTURES, name));
    expect(Buffer.from(toFalWireJson(parse(raw.toString('utf8'))), 'utf8').equals(raw)).toBe(true);
  });

  it.each(fixtures)('reproduces %s from bigint-parsed values', (name) => {
    const raw = readFileSync(join(FIXTURES, name), 'utf8');
    expect(toFalWireJson(parseJson(raw))).toBe(raw);
  });

  it('keeps a seed above 2^53 exact', () => {
    expect(toFalWireJson({ seed: 17454220438242315174n })).toBe('{"seed": 17454220438242315174}');
  });

  it('sorts keys by code point at every level and keeps nulls', () => {
    const value = { b: { z: 1, a: null }, a: [{ y: true, x: false }], '\u{1F600}': 1, '\uFFFF': 2 };
    expect(toFalWireJson(value)).toBe(
      '{"a": [{"x": false, "y": true}], "b": {"a": null, "z": 1}, "\\uffff": 2, "\\ud83d\\ude00": 1}',
    );
  });

  it('escapes like ensure_ascii', () => {
    expect(toFalWireJson('é "q" \\ \n\t\u0001\u007f 🎬')).toBe(
      '"\\u00e9 \\"q\\" \\\\ \\n\\t\\u0001\\u007f \\ud83c\\udfac"',
    );
  });

  it('writes floats like Python repr', () => {
    expect(toFalWireJson([0.5, 1e-5, 0.0001, 1e16, 2 ** 53, 123.456, -2.5, 1e22])).toBe(
      '[0.5, 1e-05, 0.0001, 1e+16, 9007199254740992.0, 123.456, -2.5, 1e+22]',
    );
  });

  it('writes empty containers and nested arrays', () => {
    expect(toFalWireJson({ a: [], b: {}, c: [[1, 2], []] })).toBe('{"a": [], "b": {}, "c": [[1, 2], []]}');
  });
});
