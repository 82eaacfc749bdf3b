import { createHash } from 'node:crypto';
import { invalidRequest } from '../errors.ts';
import type { VideoRequest } from './catalog/index.ts';

/** How long an Idempotency-Key keeps answering with the video it created. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;

/** What a key is bound to: the video it created and a digest of the request that created it. */
export interface IdempotencyClaim {
  jobId: string;
  fingerprint: string;
}

const KEY = /^[\x21-\x7e]{1,255}$/;

export function checkIdempotencyKey(key: string): string {
  if (!KEY.test(key))
    throw invalidRequest('Idempotency-Key must be 1 to 255 visible ASCII characters.', 'Idempotency-Key');
  return key;
}

/** JSON with object keys sorted and undefined dropped: equal requests give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * A digest of what a create asks for, so a key reused for a different video is recognised.
 * Field order and JSON versus multipart do not change it; an uploaded image counts by its bytes.
 */
export function requestFingerprint(request: VideoRequest, imageSha256?: string): string {
  return createHash('sha256')
    .update(canonicalJson({ request, image: imageSha256 ?? null }))
    .digest('hex');
}
