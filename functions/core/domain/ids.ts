import { randomBytes } from 'node:crypto';

/**
 * `video_` + 12 hex digits of milliseconds + 20 random hex digits: ids sort by creation time,
 * which is the order a tenant's list is paged in.
 */
export function newVideoId(now: number): string {
  return `video_${now.toString(16).padStart(12, '0')}${randomBytes(10).toString('hex')}`;
}

export const VIDEO_ID_PATTERN = /^video_[0-9a-f]{32}$/;

/** The per-job secret in the webhook URL: 256 bits, URL-safe. */
export function newWebhookToken(): string {
  return randomBytes(32).toString('base64url');
}
