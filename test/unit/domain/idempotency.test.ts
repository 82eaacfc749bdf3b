import { describe, expect, it } from 'vitest';
import { checkIdempotencyKey, requestFingerprint } from '../../../functions/core/domain/idempotency.ts';

describe('idempotency keys and request fingerprints', () => {
  it('a fingerprint ignores field order and absent fields, and changes with any value', () => {
    const base = requestFingerprint({ prompt: 'a fox', seconds: '4', metadata: { a: '1', b: '2' } });
    expect(requestFingerprint({ seconds: '4', metadata: { b: '2', a: '1' }, prompt: 'a fox' })).toBe(base);
    expect(
      requestFingerprint({ prompt: 'a fox', seconds: '4', model: undefined, metadata: { a: '1', b: '2' } }),
    ).toBe(base);
    expect(requestFingerprint({ prompt: 'a fox', seconds: '8', metadata: { a: '1', b: '2' } })).not.toBe(
      base,
    );
    expect(requestFingerprint({ prompt: 'a fox', seconds: '4', metadata: { a: '1', b: '3' } })).not.toBe(
      base,
    );
  });

  it('an uploaded image counts by its bytes', () => {
    const request = { prompt: 'from this picture' };
    expect(requestFingerprint(request, 'aa')).toBe(requestFingerprint(request, 'aa'));
    expect(requestFingerprint(request, 'aa')).not.toBe(requestFingerprint(request, 'bb'));
    expect(requestFingerprint(request, 'aa')).not.toBe(requestFingerprint(request));
  });

  it('keys are 1 to 255 visible ASCII characters', () => {
    expect(checkIdempotencyKey('a')).toBe('a');
    expect(checkIdempotencyKey('x'.repeat(255))).toHaveLength(255);
    for (const bad of ['', 'x'.repeat(256), 'with space', 'tab\t', 'ünïcode', 'line\n'])
      expect(() => checkIdempotencyKey(bad)).toThrow(/Idempotency-Key/);
  });
});
