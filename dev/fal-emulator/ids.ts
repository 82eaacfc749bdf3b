import { randomBytes } from 'node:crypto';

/** A UUIDv7 (RFC 9562): 48-bit Unix ms timestamp, version 7, variant 10, random rest — what fal issues today. */
export function uuidv7(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** URL-safe random token for CDN paths and upload URLs (unguessable, like fal's). */
export function randomToken(bytes = 12): string {
  return randomBytes(bytes).toString('base64url');
}

/** A random unsigned 64-bit seed, as fal's models report (often above 2^53, hence bigint). */
export function randomSeed(): bigint {
  return randomBytes(8).readBigUInt64BE();
}
