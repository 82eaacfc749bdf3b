import { S3Client } from '@aws-sdk/client-s3';
import { createS3VideoArchive } from '../archive/s3/video-archive.ts';
import type { Config } from '../config.ts';
import type { Deps } from '../deps.ts';
import { boundedCalls, S3_LIMITS } from '../net/aws-call-bounds.ts';
import { traced } from './aws-clients.ts';

/** S3's client, traced and bounded as the others are (aws-clients.ts). */
export const s3Client = (config: Config): S3Client =>
  traced(
    new S3Client({
      region: config.region,
      endpoint: config.endpoints.s3,
      forcePathStyle: config.endpoints.s3 !== undefined,
      // streamed uploads with the default CRC trailers are not understood by S3 stand-ins
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...boundedCalls(S3_LIMITS),
    }),
  );

/** The video bucket (archive, presign, delete). */
export function s3Archive(config: Config, client: S3Client = s3Client(config)): Pick<Deps, 'archive'> {
  return { archive: createS3VideoArchive(client, config.videoBucket) };
}
