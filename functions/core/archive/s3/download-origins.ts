import type { Config } from '../../config.ts';

/**
 * The origins presigned download URLs point at (a page's `media-src` must allow them): the endpoint
 * when one is set (s3rver, MinIO; path-style), else the bucket's regional and global virtual hosts.
 */
export function downloadOrigins(config: Pick<Config, 'endpoints' | 'videoBucket' | 'region'>): string[] {
  if (config.endpoints.s3) return [new URL(config.endpoints.s3).origin];
  const bucket = config.videoBucket;
  return [`https://${bucket}.s3.${config.region}.amazonaws.com`, `https://${bucket}.s3.amazonaws.com`];
}
