import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Upload } from '@aws-sdk/lib-storage';
import type { SQSEvent } from 'aws-lambda';

/**
 * A peer archiver as a Lambda entry, for the cold-start benchmark: what a competent engineer writes to
 * copy a generated video into S3 from an SQS message, with the same clients Reelay's archiver needs
 * (DynamoDB, S3 with lib-storage) and none of its limits, leases or recovery. The peer receiver carries
 * no S3 client; this one shows the share of the archiver's import that is S3's.
 */
const logger = new Logger({ serviceName: 'peer-archiver' });
const table = process.env.REELAY_JOBS_TABLE ?? 'jobs';
const bucket = process.env.REELAY_VIDEO_BUCKET ?? 'videos';
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const s3 = new S3Client({});

export async function handler(event: SQSEvent): Promise<void> {
  for (const record of event.Records) {
    const { jobId } = JSON.parse(record.body) as { jobId: string };
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: table, Key: { id: jobId }, ConsistentRead: true }),
    );
    if (Item?.status !== 'generated' || typeof Item.videoUrl !== 'string') continue;
    const source = await fetch(Item.videoUrl);
    if (!source.ok || !source.body) throw new Error(`video ${jobId}: ${source.status}`);
    const key = `videos/${jobId}.mp4`;
    await new Upload({
      client: s3,
      params: {
        Bucket: bucket,
        Key: key,
        Body: Readable.fromWeb(source.body as ReadableStream<Uint8Array>),
        ContentType: 'video/mp4',
      },
    }).done();
    await dynamo.send(
      new UpdateCommand({
        TableName: table,
        Key: { id: jobId },
        UpdateExpression: 'SET #status = :archived, videoKey = :key',
        ConditionExpression: '#status = :generated',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':archived': 'archived', ':generated': 'generated', ':key': key },
      }),
    );
    logger.info('archived', { jobId, key });
  }
}
