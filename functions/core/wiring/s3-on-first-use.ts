import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config.ts';
import type { Deps } from '../deps.ts';
import { onFirstUse } from './on-first-use.ts';

const VIDEO_ARCHIVE_METHODS = {
  put: true,
  stat: true,
  read: true,
  downloadUrl: true,
  delete: true,
} as const;

/**
 * The video bucket, with S3's client and lib-storage (about 140 KiB) loaded on its first call: most
 * of the API's requests (creates, polls, lists) never touch S3; downloads, deletes and edits do.
 */
export function s3ArchiveOnFirstUse(config: Config, client?: S3Client): Pick<Deps, 'archive'> {
  const archive = onFirstUse(async () => {
    const { s3Archive } = await import('./s3.ts');
    return s3Archive(config, client).archive;
  }, VIDEO_ARCHIVE_METHODS);
  return { archive };
}
