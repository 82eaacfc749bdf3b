import type { Readable } from 'node:stream';

/** Where finished videos live: the operator's bucket. */
export interface VideoArchive {
  /** Streams `body` to `key`; memory stays bounded whatever the size. Rejects (and leaves nothing behind) on failure. */
  put(key: string, body: Readable, contentType: string): Promise<void>;
  /** A short-lived URL that downloads the object without credentials. */
  downloadUrl(key: string, expiresInSeconds: number, fileName: string): Promise<string>;
  delete(key: string): Promise<void>;
}

/** `videos/<tenant>/<job id>.mp4` (DESIGN.md "Storage"). */
export function videoKey(tenant: string, jobId: string): string {
  return `videos/${encodeURIComponent(tenant)}/${jobId}.mp4`;
}
