import { S3Client } from '@aws-sdk/client-s3';
import { createS3VideoArchive } from '../archive/s3/video-archive.ts';
import type { Config } from '../config.ts';
import type { Deps } from '../deps.ts';

/** The video bucket (archive, presign, delete). */
export function s3Archive(config: Config): Pick<Deps, 'archive'> {
  const s3 = new S3Client({
    region: config.region,
    endpoint: config.endpoints.s3,
    forcePathStyle: config.endpoints.s3 !== undefined,
    // streamed uploads with the default CRC trailers are not understood by S3 stand-ins
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return { archive: createS3VideoArchive(s3, config.videoBucket) };
}
