import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { VideoArchive } from '../video-archive.ts';

/** 8 MiB parts, two in flight: about 16 MiB of buffers per upload, however large the video. */
const PART_SIZE = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

/**
 * S3 answers a HEAD for a missing key with 404 only to a caller that may list the bucket, and with
 * 403 to any other: both mean "no copy to reuse" here. A real denial is not hidden by this: the
 * upload that follows needs the same bucket and fails loudly.
 */
function isAbsent(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = (error as { name?: string }).name;
  return status === 404 || status === 403 || name === 'NotFound' || name === 'Forbidden';
}

export function createS3VideoArchive(client: S3Client, bucket: string): VideoArchive {
  return {
    async put(key, body, contentType, metadata) {
      // lib-storage aborts the multipart upload on failure (leavePartsOnError defaults to false)
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: body, ContentType: contentType, Metadata: metadata },
        partSize: PART_SIZE,
        queueSize: PARTS_IN_FLIGHT,
      });
      await upload.done();
    },

    async stat(key) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return {
          bytes: head.ContentLength ?? 0,
          contentType: head.ContentType,
          metadata: head.Metadata ?? {},
        };
      } catch (error) {
        if (isAbsent(error)) return undefined;
        throw error;
      }
    },

    async read(key) {
      const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!Body) throw new Error(`object ${key} has no body`);
      return Body as Readable;
    },

    downloadUrl(key, expiresInSeconds, fileName) {
      const command = new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ResponseContentDisposition: `attachment; filename="${fileName}"`,
      });
      return getSignedUrl(client, command, { expiresIn: expiresInSeconds });
    },

    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}
