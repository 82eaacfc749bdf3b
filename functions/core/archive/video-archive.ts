import type { Readable } from 'node:stream';

/** Where finished videos live: the operator's bucket. */
/** What an object says about itself; `metadata` holds what `put` was given. */
export interface StoredVideo {
  bytes: number;
  contentType?: string;
  metadata: Record<string, string>;
}

export interface VideoArchive {
  /** Streams `body` to `key`; memory stays bounded whatever the size. Rejects (and leaves nothing behind) on failure. */
  put(key: string, body: Readable, contentType: string, metadata?: Record<string, string>): Promise<void>;
  /** The object's size, type and metadata; undefined when there is none. */
  stat(key: string): Promise<StoredVideo | undefined>;
  read(key: string): Promise<Readable>;
  /** A short-lived URL that downloads the object without credentials. */
  downloadUrl(key: string, expiresInSeconds: number, fileName: string): Promise<string>;
  delete(key: string): Promise<void>;
}

/** `videos/<tenant>/<job id>.<variant>.<ext>`: a thumbnail or spritesheet beside its video. */
export function imageKey(tenant: string, jobId: string, variant: string, extension: string): string {
  return `videos/${encodeURIComponent(tenant)}/${jobId}.${variant}.${extension}`;
}

/** `videos/<tenant>/<job id>.mp4` (DESIGN.md "Storage"). */
export function videoKey(tenant: string, jobId: string): string {
  return `videos/${encodeURIComponent(tenant)}/${jobId}.mp4`;
}
