import type { S3Client } from '@aws-sdk/client-s3';
import { createS3VideoArchive } from '../archive/s3/video-archive.ts';
import type { Config } from '../config.ts';
import type { Deps } from '../deps.ts';
import { s3Client } from './aws-clients.ts';

/** The video bucket (archive, presign, delete). */
export function s3Archive(config: Config, client: S3Client = s3Client(config)): Pick<Deps, 'archive'> {
  return { archive: createS3VideoArchive(client, config.videoBucket) };
}
