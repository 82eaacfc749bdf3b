import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  type LifecycleRule,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Days before videos move to Infrequent Access (S3's minimum for that transition). */
export const INFREQUENT_ACCESS_AFTER_DAYS = 30;
/** How long the bucket's server access logs are kept. */
export const ACCESS_LOG_DAYS = 90;

export interface VideoStorageProps {
  /** Origins whose pages fetch videos through presigned URLs (the API's own origin first). */
  corsOrigins: string[];
  /** Delete videos this many days after they were archived; none when unset. */
  videoRetentionDays?: number;
}

/** The private video bucket (`videos/<tenant>/<id>.mp4`) and the bucket its access logs go to. */
export class VideoStorage extends Construct {
  readonly bucket: Bucket;
  readonly logBucket: Bucket;

  constructor(scope: Construct, id: string, props: VideoStorageProps) {
    super(scope, id);
    // both buckets are kept when the stack is deleted, on every stage: deleting a non-empty bucket
    // would fail the teardown, and these hold the operator's videos (docs/deploy.md says how to empty them)
    this.logBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // S3 server access logging can only write to SSE-S3 buckets
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(ACCESS_LOG_DAYS) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the server access log bucket itself; logging its own writes into itself would loop, and a third bucket would only move the finding.',
    });

    this.bucket = new Bucket(this, 'Videos', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'videos-bucket/',
      lifecycleRules: videoLifecycle(props.videoRetentionDays),
      // the web page follows a 302 to a presigned GET; only reads, only from the listed origins
      cors: [
        {
          allowedMethods: [HttpMethods.GET, HttpMethods.HEAD],
          allowedOrigins: props.corsOrigins,
          allowedHeaders: ['*'],
          exposedHeaders: ['Content-Length', 'Content-Range', 'Content-Type', 'ETag'],
          maxAge: 3_600,
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

function videoLifecycle(retentionDays: number | undefined): LifecycleRule[] {
  // S3 rejects an expiry that does not come after the transition, so short retention skips IA
  const transition = retentionDays === undefined || retentionDays > INFREQUENT_ACCESS_AFTER_DAYS;
  return [
    // lib-storage aborts failed uploads itself; this catches a function killed mid-upload
    { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
    {
      id: 'videos',
      prefix: 'videos/',
      ...(transition && {
        transitions: [
          {
            storageClass: StorageClass.INFREQUENT_ACCESS,
            transitionAfter: Duration.days(INFREQUENT_ACCESS_AFTER_DAYS),
          },
        ],
      }),
      ...(retentionDays !== undefined && { expiration: Duration.days(retentionDays) }),
    },
  ];
}
