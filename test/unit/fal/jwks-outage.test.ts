import { afterEach, describe, expect, it } from 'vitest';
import { JwksUnavailableError } from '../../../functions/core/fal/jwks-cache.ts';
import { createWebhookVerifier } from '../../../functions/core/fal/webhook-signature.ts';
import { falSigner } from '../../support/fal-signing.ts';
import { startJwksServer } from '../../support/jwks-server.ts';

const REQUEST_ID = '019f6af7-3088-7f03-b97d-84fec4a3ce12';
const HOUR = 3_600_000;
const body = Buffer.from('{"request_id": "019f6af7-3088-7f03-b97d-84fec4a3ce12", "status": "OK"}');
const getter = (headers: Record<string, string>) => (name: string) => headers[name.toLowerCase()];

describe('fal JWKS outage: the last good key set keeps verifying for a bounded time', () => {
  const signer = falSigner();
  let keys: object[] = [signer.jwk];
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    keys = [signer.jwk];
  });

  async function setup(maxAgeMs = 6 * HOUR) {
    const jwks = await startJwksServer(() => keys);
    servers.push(jwks);
    const clock = { now: Date.now() };
    const stale: Array<{ ageMs: number; error: string }> = [];
    const verify = createWebhookVerifier({
      jwksUrl: jwks.url,
      cacheTtlMs: HOUR,
      maxAgeMs,
      now: () => clock.now,
      onStale: (info) => stale.push(info),
    });
    // signed at the verifier's "now", so only the key question is under test
    const signed = () =>
      getter(signer.headers(body, { requestId: REQUEST_ID, timestamp: Math.floor(clock.now / 1000) }));
    return { jwks, clock, stale, verify, signed };
  }

  for (const outage of ['down', 'error'] as const) {
    it(`verifies with the last good keys after the cache lifetime while the JWKS is ${outage}`, async () => {
      const { jwks, clock, stale, verify, signed } = await setup();
      expect((await verify(signed(), body)).ok).toBe(true);
      await jwks.set(outage);
      clock.now += HOUR + 1_000;
      expect(await verify(signed(), body)).toEqual({ ok: true, requestId: REQUEST_ID, userId: 'user-1' });
      expect(stale).toHaveLength(1);
      expect(stale[0]?.ageMs).toBe(HOUR + 1_000);
      // a forgery is still refused while the keys are stale
      const forged = falSigner().headers(body, {
        requestId: REQUEST_ID,
        timestamp: Math.floor(clock.now / 1000),
      });
      expect(await verify(getter(forged), body)).toMatchObject({ ok: false });
    });
  }

  it('retries a failed fetch at most once a minute, answering from the stale keys meanwhile', async () => {
    const { jwks, clock, verify, signed } = await setup();
    await verify(signed(), body);
    await jwks.set('error');
    clock.now += HOUR + 1_000;
    for (let i = 0; i < 5; i++) expect((await verify(signed(), body)).ok).toBe(true);
    expect(jwks.fetches).toBe(2);
    clock.now += 60_000;
    expect((await verify(signed(), body)).ok).toBe(true);
    expect(jwks.fetches).toBe(3);
  });

  it('fails with JwksUnavailableError once the last good keys are older than the bound', async () => {
    const { jwks, clock, verify, signed } = await setup(6 * HOUR);
    await verify(signed(), body);
    await jwks.set('down');
    clock.now += 6 * HOUR - 1_000;
    expect((await verify(signed(), body)).ok).toBe(true);
    clock.now += 2_000;
    await expect(verify(signed(), body)).rejects.toBeInstanceOf(JwksUnavailableError);
    // back up: fresh keys, and a fresh bound
    await jwks.set('up');
    clock.now += 60_000;
    expect((await verify(signed(), body)).ok).toBe(true);
    await jwks.set('down');
    clock.now += 2 * HOUR;
    expect((await verify(signed(), body)).ok).toBe(true);
  });

  it('with no key set yet, an unreachable JWKS is JwksUnavailableError (not a rejection)', async () => {
    const { jwks, verify, signed } = await setup();
    await jwks.set('down');
    await expect(verify(signed(), body)).rejects.toBeInstanceOf(JwksUnavailableError);
  });

  it('an empty key set is treated as an outage, not as the new keys', async () => {
    const { clock, stale, verify, signed } = await setup();
    await verify(signed(), body);
    keys = [];
    clock.now += HOUR + 1_000;
    expect((await verify(signed(), body)).ok).toBe(true);
    expect(stale[0]?.error).toMatch(/no Ed25519 key/);
  });
});
