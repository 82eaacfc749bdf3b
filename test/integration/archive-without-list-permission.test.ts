import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedS3, startS3 } from '../../dev/embedded/s3.ts';
import { createS3VideoArchive } from '../../functions/core/archive/s3/video-archive.ts';
import { type S3Proxy, startS3WithoutListPermission } from '../support/s3-without-list-permission.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

// S3 answers 403, not 404, for a missing key to a role without s3:ListBucket (see the proxy for why a proxy)
const BUCKET = 'reelay-videos';
const directory = mkdtempSync(join(tmpdir(), 'reelay-s3-403-'));
let s3: EmbeddedS3;
let proxy: S3Proxy;
let stack: TestStack;

beforeAll(async () => {
  s3 = await startS3({ directory, bucket: BUCKET });
  proxy = await startS3WithoutListPermission(s3.endpoint);
  stack = await startTestStack({ env: { REELAY_S3_ENDPOINT: proxy.endpoint, REELAY_VIDEO_BUCKET: BUCKET } });
});
afterAll(async () => {
  await stack?.close();
  await proxy?.close();
  await s3?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('an S3 that answers 403 for a missing key', () => {
  it('stat() reads a 403 for a missing key as "no object", and still finds one that exists', async () => {
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: proxy.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const archive = createS3VideoArchive(client, BUCKET);
    const before = proxy.forbidden;
    await expect(archive.stat('videos/t/absent.mp4')).resolves.toBeUndefined();
    expect(proxy.forbidden).toBe(before + 1);
    await archive.put('videos/t/present.mp4', Readable.from([Buffer.from('mp4')]), 'video/mp4', { a: 'b' });
    await expect(archive.stat('videos/t/present.mp4')).resolves.toMatchObject({
      bytes: 3,
      metadata: { a: 'b' },
    });
  });

  it('an archive retry (which first looks for an earlier copy) completes the job', async () => {
    const before = proxy.forbidden;
    // the first download fails; the retry looks for a copy the first attempt may have left
    const video = await stack.createVideo({ prompt: 'cdn hiccup [fal:cdn_500]', seconds: '4' });
    const job = await stack.settle(video.id);
    expect(job).toMatchObject({ state: 'completed', archiveAttempts: 2 });
    expect(proxy.forbidden).toBeGreaterThan(before);
  });
});
