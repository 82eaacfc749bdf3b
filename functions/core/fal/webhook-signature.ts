import { createHash, type KeyObject, verify } from 'node:crypto';
import { createJwksCache, type JwksCacheOptions } from './jwks-cache.ts';

export const FAL_SIGNATURE_HEADERS = {
  requestId: 'x-fal-webhook-request-id',
  userId: 'x-fal-webhook-user-id',
  timestamp: 'x-fal-webhook-timestamp',
  signature: 'x-fal-webhook-signature',
} as const;

export type SignatureCheck = { ok: true; requestId: string; userId: string } | { ok: false; reason: string };

export interface SignatureHeaders {
  requestId: string;
  userId: string;
  timestamp: string;
  signature: Buffer;
}

export interface WebhookVerifierOptions {
  jwksUrl: string;
  fetch?: typeof fetch;
  /** fal allows caching its keys for at most 24 h. */
  cacheTtlMs?: number;
  /** How long the last good key set keeps serving while the JWKS cannot be fetched (from its fetch). */
  maxAgeMs?: number;
  onStale?: JwksCacheOptions['onStale'];
  toleranceSeconds?: number;
  now?: () => number;
}

type HeaderGetter = (name: string) => string | undefined | null;

/**
 * What can be checked before the body is read: every header present and well formed, and (given a
 * clock) the timestamp within `toleranceSeconds`. A request failing here costs no read and no lookup.
 */
export function readSignatureHeaders(
  header: HeaderGetter,
  nowMs?: number,
  toleranceSeconds = 300,
): { ok: true; headers: SignatureHeaders } | { ok: false; reason: string } {
  const requestId = header(FAL_SIGNATURE_HEADERS.requestId);
  const userId = header(FAL_SIGNATURE_HEADERS.userId);
  const timestamp = header(FAL_SIGNATURE_HEADERS.timestamp);
  const signatureHex = header(FAL_SIGNATURE_HEADERS.signature);
  if (!requestId || !userId || !timestamp || !signatureHex)
    return { ok: false, reason: 'missing signature headers' };
  if (
    !/^\d{1,12}$/.test(timestamp) ||
    (nowMs !== undefined && Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds)
  ) {
    return { ok: false, reason: 'timestamp outside tolerance' };
  }
  if (!/^[0-9a-fA-F]{128}$/.test(signatureHex)) return { ok: false, reason: 'malformed signature' };
  return { ok: true, headers: { requestId, userId, timestamp, signature: Buffer.from(signatureHex, 'hex') } };
}

/** The signed message: request id, user id, timestamp and the body's SHA-256 (hex), one per line. */
export function signedMessage(
  requestId: string,
  userId: string,
  timestamp: string,
  body: Uint8Array,
): Buffer {
  const digest = createHash('sha256').update(body).digest('hex');
  return Buffer.from(`${requestId}\n${userId}\n${timestamp}\n${digest}`, 'utf8');
}

/**
 * Verifies fal's ED25519 webhook signatures against its JWKS, tried key by key. Keys are cached
 * (functions/core/fal/jwks-cache.ts); a signature that no cached key accepts triggers one refetch
 * (fal may have rotated), at most once a minute so forged requests cannot make us hammer the JWKS.
 * Throws JwksUnavailableError when no usable key set can be had (the caller answers 503).
 */
export function createWebhookVerifier(options: WebhookVerifierOptions) {
  const tolerance = options.toleranceSeconds ?? 300;
  const now = options.now ?? Date.now;
  const keys = createJwksCache({
    url: options.jwksUrl,
    fetch: options.fetch,
    ttlMs: options.cacheTtlMs,
    maxAgeMs: options.maxAgeMs,
    now,
    onStale: options.onStale,
  });

  return async function verifyFalWebhook(header: HeaderGetter, body: Uint8Array): Promise<SignatureCheck> {
    const read = readSignatureHeaders(header, now(), tolerance);
    if (!read.ok) return read;
    const { requestId, userId, timestamp, signature } = read.headers;
    const message = signedMessage(requestId, userId, timestamp, body);
    const matches = (candidates: KeyObject[]) =>
      candidates.some((key) => verify(null, message, key, signature));
    if (matches(await keys(false)) || matches(await keys(true))) return { ok: true, requestId, userId };
    return { ok: false, reason: 'signature does not verify' };
  };
}

export type WebhookVerifier = ReturnType<typeof createWebhookVerifier>;
