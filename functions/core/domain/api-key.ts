import { createHash } from 'node:crypto';

/** Every key Reelay issues starts with this, so secret scanners and people can recognise one. */
export const API_KEY_PREFIX = 'rly_';

/** The exact shape of an issued key: anything else is not looked up in the table at all. */
export const ISSUED_KEY_PATTERN = /^rly_[A-Za-z0-9_-]{43}$/;

/** Tenant ids appear in S3 keys and log lines: lower-case letters, digits, `-` and `_`. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** A key's public identity: safe to print, log and pass to `keys revoke`. */
export interface ApiKeyRecord {
  keyId: string;
  tenant: string;
  name: string;
  /** The key's first and last characters, so an operator can tell keys apart. */
  hint: string;
  createdAt: number;
  revokedAt?: number;
  lastUsedAt?: number;
}

/** SHA-256 of the whole key: what the table stores and looks up (a 256-bit random key needs no salt). */
export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** The id derived from a key's hash: `key_` and 16 hex characters. */
export const keyIdOf = (hash: string): string => `key_${hash.slice(0, 16)}`;

/** A new key from 32 random bytes (256 bits): `rly_` + 43 base64url characters. */
export function formatApiKey(random: Uint8Array): string {
  if (random.length < 32) throw new Error('an API key needs at least 32 random bytes');
  return `${API_KEY_PREFIX}${Buffer.from(random).toString('base64url')}`;
}

export const keyHint = (key: string): string => `${key.slice(0, 8)}…${key.slice(-4)}`;
