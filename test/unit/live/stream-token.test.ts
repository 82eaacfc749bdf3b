import { describe, expect, it } from 'vitest';
import { createAesSecretBox } from '../../../functions/core/events/secret-box.ts';
import {
  issueStreamToken,
  readStreamToken,
  STREAM_TOKEN_TTL_MS,
} from '../../../functions/core/live/stream-token.ts';

const box = createAesSecretBox(async () => 'k'.repeat(40));
const otherBox = createAesSecretBox(async () => 'o'.repeat(40));

describe('stream tokens', () => {
  it('carry their tenant and key for a minute, and no longer', async () => {
    const now = 1_800_000_000_000;
    const { token, expiresAt } = await issueStreamToken(
      { secretBox: box, now: () => now },
      { tenant: 't1', keyId: 'k1' },
    );
    expect(token).toMatch(/^evtok_[A-Za-z0-9._-]+$/);
    expect(expiresAt).toBe(now + STREAM_TOKEN_TTL_MS);
    expect(await readStreamToken({ secretBox: box, now: () => now + 59_999 }, token)).toEqual({
      tenant: 't1',
      keyId: 'k1',
    });
    expect(await readStreamToken({ secretBox: box, now: () => now + 60_000 }, token)).toBeUndefined();
  });

  it('are refused when sealed under another key, tampered with, not ours or too long', async () => {
    const now = Date.now();
    const { token } = await issueStreamToken(
      { secretBox: box, now: () => now },
      { tenant: 't1', keyId: 'k1' },
    );
    const deps = { secretBox: box, now: () => now };
    expect(await readStreamToken({ secretBox: otherBox, now: () => now }, token)).toBeUndefined();
    const flipped = `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}${token.slice(-1)}`;
    expect(await readStreamToken(deps, flipped)).toBeUndefined();
    expect(await readStreamToken(deps, token.replace('evtok_', ''))).toBeUndefined();
    expect(await readStreamToken(deps, `evtok_${'x'.repeat(600)}`)).toBeUndefined();
    expect(await readStreamToken(deps, 'evtok_v1.AAAA.BBBB')).toBeUndefined();
  });
});
