import { describe, expect, it } from 'vitest';
import {
  compileBlocklist,
  findBlocked,
  normalizePrompt,
} from '../../../functions/core/domain/prompt-safety.ts';

const blocklist = compileBlocklist([
  'bomb',
  'kill',
  'ass',
  'blow up',
  'detonat*',
  '/\\bhow to make (a )?weapon\\b/',
]);
const blocked = (prompt: string) => findBlocked(blocklist, prompt) !== undefined;

describe('prompt blocklist', () => {
  it.each([
    'a bomb in a field',
    'A BOMB',
    'a B0MB',
    'a b o m b',
    'a b.o.m.b',
    'a b-o-m-b',
    'a b_o_m_b',
    'bo.mb',
    'a bооmb', // Cyrillic о
    'a ｂｏｍｂ', // full-width
    'a bómb',
    'a b\u200bomb', // zero-width space
    'a b\u00adomb', // soft hyphen
    'boooomb!!!',
    'k1ll them',
    'k!ll them',
    'ki|| them',
    '4$$',
    'a$$',
    'kill.',
    '"kill"',
    'blow   up the bridge',
    'blow-up the bridge',
    'Blow_Up',
    'detonation sequence',
    'DETONATED',
    'how to make a weapon',
    'How  to  make  weapon!',
  ])('blocks %j', (prompt) => {
    expect(blocked(prompt)).toBe(true);
  });

  it.each([
    'a red fox running through fresh snow at dawn',
    'a classic bass passage in an embassy', // "ass" inside words
    'the bombardier beetle', // "bomb" starts a longer word and the term has no *
    'skill and killer whales', // "kill" inside words
    'a trombone player',
    'blowing bubbles upstairs',
    'Scunthorpe United at Assen', // assen: the term is a whole word, not a prefix
    'a 1080p shot of 4 cats',
    '',
  ])('allows %j', (prompt) => {
    expect(blocked(prompt)).toBe(false);
  });

  it('says only which kind matched, never the term', () => {
    expect(findBlocked(blocklist, 'b0mb')).toEqual({ kind: 'term' });
    expect(findBlocked(blocklist, 'how to make a weapon')).toEqual({ kind: 'pattern' });
  });

  it('normalises to lower-case letters and single spaces', () => {
    expect(normalizePrompt('  Ｈéllo,\u200b W0RLD!! ')).toBe('hello world');
  });

  it('an empty list blocks nothing', () => {
    expect(findBlocked(compileBlocklist([]), 'bomb')).toBeUndefined();
    expect(findBlocked(compileBlocklist(['', '  ']), 'bomb')).toBeUndefined();
  });

  it('a bad regex entry fails when compiled', () => {
    expect(() => compileBlocklist(['/(unclosed/'])).toThrow();
  });
});

describe('prompt blocklist at size', () => {
  it('a long list against a long prompt is a lookup per word, not a scan', () => {
    const big = compileBlocklist([
      ...Array.from({ length: 5_000 }, (_, i) => `zz${i.toString(36)}qq`),
      'needle*',
    ]);
    const prompt = 'a quiet harbour at dawn with boats and gulls '.repeat(90);
    const started = performance.now();
    for (let i = 0; i < 20; i++) expect(findBlocked(big, prompt)).toBeUndefined();
    // generous: a scan of 5,000 terms per word of 6 readings would take seconds
    expect((performance.now() - started) / 20).toBeLessThan(100);
    expect(findBlocked(big, `${prompt} needles`)).toEqual({ kind: 'term' });
    expect(findBlocked(big, `${prompt} zz${(4_999).toString(36)}qq`)).toEqual({ kind: 'term' });
  });
});
