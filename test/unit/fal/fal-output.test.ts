import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isSafeNumber, parse } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { parseFalJson, parseFalWebhook, quoteUnsafeNumbers } from '../../../functions/core/fal/fal-output.ts';
import { falFixture } from '../../support/fixtures.ts';

const text = (name: string) => falFixture(name).toString('utf8');

describe('fal webhook bodies', () => {
  it('keeps a seed above 2^53 exact', () => {
    expect(parseFalWebhook(text('ok-bigseed.json'))).toEqual({
      requestId: '019f6af7-3088-7f03-b97d-84fec4a3ce12',
      outcome: {
        kind: 'ok',
        requestId: '019f6af7-3088-7f03-b97d-84fec4a3ce12',
        video: { url: 'https://v3b.fal.media/files/b/0aa27b79/Xk2_output.mp4', contentType: 'video/mp4' },
        seed: '17454220438242315174',
      },
    });
  });

  it('turns payload null with payload_error into "fetch the result"', () => {
    expect(parseFalWebhook(text('ok-payload-error.json'))?.outcome).toMatchObject({
      kind: 'payload_missing',
    });
  });

  it('carries an ERROR’s status and body for classification', () => {
    expect(parseFalWebhook(text('error-content-policy.json'))?.outcome).toMatchObject({
      kind: 'error',
      status: 422,
    });
    expect(parseFalWebhook(text('error-timeout.json'))?.outcome).toMatchObject({
      kind: 'error',
      status: 504,
      body: { detail: 'Request timed out', error_type: 'request_timeout' },
    });
  });

  it('refuses what is not fal’s shape', () => {
    expect(parseFalWebhook('not json')).toBeUndefined();
    expect(parseFalWebhook('{"status": "OK"}')).toBeUndefined();
    expect(parseFalWebhook('{"request_id": "r", "status": "MAYBE"}')).toBeUndefined();
  });

  it('treats an OK without a video URL as an error, not a success', () => {
    expect(
      parseFalWebhook('{"payload": {"seed": 1}, "request_id": "r", "status": "OK"}')?.outcome,
    ).toMatchObject({ kind: 'error' });
  });
});

/** The parser this one replaced, kept as the oracle: unsafe numbers as their text, the rest as numbers. */
const lossless = (text: string) =>
  parse(text, null, (value: string) => (isSafeNumber(value) ? Number(value) : value));

describe('fal JSON: JSON.parse with the numbers a double would round quoted first', () => {
  const fixtures = readdirSync(
    fileURLToPath(new URL('../../../../shared/fixtures/fal-webhooks/', import.meta.url)),
  ).filter((name) => name.endsWith('.json'));

  it.each(fixtures)('parses fal fixture %s as lossless-json does', (name) => {
    expect(parseFalJson(text(name))).toEqual(lossless(text(name)));
  });

  it('keeps a seed beyond 2^53 exact, the one path through the quoting', () => {
    const body = '{"payload": {"seed": 17454220438242315174, "n": -9007199254740993}, "ok": 1}';
    expect(quoteUnsafeNumbers(body)).toBe(
      '{"payload": {"seed": "17454220438242315174", "n": "-9007199254740993"}, "ok": 1}',
    );
    expect(parseFalJson(body)).toEqual({
      payload: { seed: '17454220438242315174', n: '-9007199254740993' },
      ok: 1,
    });
  });

  it('takes JSON.parse as it is when no number could be rounded, the other path', () => {
    const body = '{"seed": 1234567, "size": 55897, "fps": 24.5, "url": "https://v3b.fal.media/a.mp4"}';
    expect(quoteUnsafeNumbers(body)).toBe(body);
    expect(parseFalJson(body)).toEqual({
      seed: 1234567,
      size: 55897,
      fps: 24.5,
      url: 'https://v3b.fal.media/a.mp4',
    });
  });

  it.each([
    ['the largest safe integer and its neighbour', '[9007199254740991, 9007199254740992, 9007199254740993]'],
    ['16 digits that fit', '{"a": 1234567890123456}'],
    ['exponents, safe and not', '[1e3, 1.5E-7, 2e+2, 1e20, 1e400, 1e-400, -1E400]'],
    ['a decimal a double rounds', '[0.1, 1.0000000000000001, 123456789.123456789, 9007199254740993.0]'],
    [
      'digits inside strings, escapes and all',
      '{"a": "x\\"17454220438242315174", "b\\u0022": "1e400", "c": [18446744073709551615]}',
    ],
    ['nesting and whitespace', '{ "a" :[ {"b":\n 18446744073709551615 } ,-0, 0, -1.5e-3 ] }'],
    ['a top-level number', '18446744073709551615'],
    ['a top-level safe number', '42'],
  ])('agrees with lossless-json on %s', (_name, body) => {
    expect(parseFalJson(body)).toEqual(lossless(body));
  });

  it.each([
    ['a leading zero', '{"seed": 017454220438242315174}'],
    ['two points', '{"a": 1.2.3456789012345678}'],
    ['a dangling exponent', '[1e]'],
    ['a bare minus', '[-]'],
    ['a number run into a word', '[12345678901234567890abc]'],
    ['not JSON at all', 'not json 12345678901234567890'],
    ["a long number in a key's place", '{12345678901234567890: 1}'],
    ['a long number after another value', '[1 12345678901234567890]'],
  ])('refuses %s as lossless-json does', (_name, body) => {
    expect(() => lossless(body)).toThrow();
    expect(() => parseFalJson(body)).toThrow();
  });
});

describe('fal JSON against lossless-json on generated bodies', () => {
  // a fixed-seed generator: the same 500 bodies every run
  let state = 0x9e3779b9;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  const numberText = () =>
    pick([
      () => `${pick(['', '-'])}${1 + Math.floor(random() * 9)}${digits(Math.floor(random() * 22))}`,
      () => `${pick(['', '-'])}${Math.floor(random() * 9)}.${digits(1 + Math.floor(random() * 20))}`,
      () =>
        `${1 + Math.floor(random() * 9)}${pick(['e', 'E'])}${pick(['', '+', '-'])}${Math.floor(random() * 400)}`,
      () => '0',
    ])();
  const stringText = () =>
    JSON.stringify(
      pick(['', 'a"b', 'x\\', 'seed 17454220438242315174', '1e400', '\u00e9\u2028', digits(20)]),
    );
  const value = (depth: number): string => {
    const kind = depth > 3 ? pick(['n', 's']) : pick(['n', 's', 'a', 'o', 'l']);
    if (kind === 'n') return numberText();
    if (kind === 's') return stringText();
    if (kind === 'l') return pick(['true', 'false', 'null']);
    const size = Math.floor(random() * 4);
    const items = Array.from({ length: size }, (_, i) =>
      kind === 'a' ? value(depth + 1) : `"k${i}": ${value(depth + 1)}`,
    );
    return kind === 'a' ? `[${items.join(pick([',', ', ', ' ,\n']))}]` : `{${items.join(', ')}}`;
  };

  it('parses each as lossless-json does', () => {
    for (let i = 0; i < 500; i++) {
      const body = value(0);
      expect(parseFalJson(body), body).toEqual(lossless(body));
    }
  });
});
