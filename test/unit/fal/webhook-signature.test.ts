import { describe, expect, it } from 'vitest';
import { createWebhookVerifier } from '../../../functions/core/fal/webhook-signature.ts';
import { falSigner } from '../../support/fal-signing.ts';
import { falFixture } from '../../support/fixtures.ts';

const REQUEST_ID = '019f6af7-3088-7f03-b97d-84fec4a3ce12';
const body = falFixture('ok-bigseed.json');

/** A JWKS endpoint served by a fetch stand-in that counts its calls. */
function jwksFetch(keys: () => object[]) {
  const calls = { count: 0 };
  const fetchJwks = (async () => {
    calls.count++;
    return Response.json({ keys: keys() });
  }) as typeof fetch;
  return { fetchJwks, calls };
}

function verifierFor(keys: () => object[], now = () => Date.now()) {
  const { fetchJwks, calls } = jwksFetch(keys);
  const verify = createWebhookVerifier({ jwksUrl: 'https://jwks.test/keys', fetch: fetchJwks, now });
  return { verify, calls };
}

const getter = (headers: Record<string, string>) => (name: string) => headers[name.toLowerCase()];

describe('fal webhook signatures', () => {
  const signer = falSigner();

  it('accepts fal’s signature over the raw bytes, big seed and all, and names the signed account', async () => {
    const { verify } = verifierFor(() => [signer.jwk]);
    expect(await verify(getter(signer.headers(body, { requestId: REQUEST_ID })), body)).toEqual({
      ok: true,
      requestId: REQUEST_ID,
      userId: 'user-1',
    });
  });

  it('rejects a tampered body', async () => {
    const { verify } = verifierFor(() => [signer.jwk]);
    const headers = signer.headers(body, { requestId: REQUEST_ID });
    const tampered = Buffer.from(
      body.toString('utf8').replace('17454220438242315174', '17454220438242315175'),
    );
    expect(await verify(getter(headers), tampered)).toMatchObject({
      ok: false,
      reason: 'signature does not verify',
    });
  });

  it('rejects a signature made with a key not in the JWKS', async () => {
    const { verify } = verifierFor(() => [signer.jwk]);
    const stranger = falSigner();
    const headers = stranger.headers(body, { requestId: REQUEST_ID });
    expect(await verify(getter(headers), body)).toMatchObject({ ok: false });
  });

  it('rejects a timestamp more than 300 s away, either way', async () => {
    const { verify } = verifierFor(() => [signer.jwk]);
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [now - 301, now + 301]) {
      const headers = signer.headers(body, { requestId: REQUEST_ID, timestamp });
      expect(await verify(getter(headers), body)).toEqual({
        ok: false,
        reason: 'timestamp outside tolerance',
      });
    }
    expect(
      (await verify(getter(signer.headers(body, { requestId: REQUEST_ID, timestamp: now - 299 })), body)).ok,
    ).toBe(true);
  });

  it('rejects a delivery missing any signature header', async () => {
    const { verify } = verifierFor(() => [signer.jwk]);
    const headers = signer.headers(body, { requestId: REQUEST_ID });
    for (const name of Object.keys(headers)) {
      const partial = Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));
      expect(await verify(getter(partial), body)).toEqual({ ok: false, reason: 'missing signature headers' });
    }
  });

  it('rejects a signature whose signed request id was swapped', async () => {
    const { verify } = verifierFor(() => [signer.jwk]);
    const headers = {
      ...signer.headers(body, { requestId: REQUEST_ID }),
      'x-fal-webhook-request-id': 'another',
    };
    expect((await verify(getter(headers), body)).ok).toBe(false);
  });

  it('tries every key in the JWKS', async () => {
    const other = falSigner();
    const { verify } = verifierFor(() => [other.jwk, signer.jwk]);
    expect((await verify(getter(signer.headers(body, { requestId: REQUEST_ID })), body)).ok).toBe(true);
    expect((await verify(getter(other.headers(body, { requestId: REQUEST_ID })), body)).ok).toBe(true);
  });

  it('caches the JWKS, and refetches once for a key it has not seen (rotation)', async () => {
    let clock = Date.now();
    const rotated = falSigner();
    let keys = [signer.jwk];
    const { verify, calls } = verifierFor(
      () => keys,
      () => clock,
    );
    for (let i = 0; i < 3; i++) await verify(getter(signer.headers(body, { requestId: REQUEST_ID })), body);
    expect(calls.count).toBe(1);
    keys = [signer.jwk, rotated.jwk];
    clock += 120_000;
    const headers = rotated.headers(body, { requestId: REQUEST_ID, timestamp: Math.floor(clock / 1000) });
    expect((await verify(getter(headers), body)).ok).toBe(true);
    expect(calls.count).toBe(2);
  });
});
