import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Hono } from 'hono';

/**
 * The peer webhook receiver: what a competent engineer writes for fal's webhooks with no framework of
 * their own. ED25519 over fal's message, one consistent GetItem, one conditional PutItem, one enqueue.
 * Benchmark code, not product code: it is the yardstick Reelay's fal-webhook is held against.
 */
export interface PeerReceiverOptions {
  dynamo: DynamoDBClient;
  table: string;
  /** fal's JWKS (fetched once, then kept). */
  jwks: () => Promise<{ keys: Array<Record<string, unknown>> }>;
  enqueue: (jobId: string) => Promise<void>;
  logger?: Logger;
  /**
   * Moves the item's `byDue` index keys on capture as Reelay's does (partition `submitted` →
   * `generated`, due at the archive pickup time): the control for what that move costs the table.
   */
  moveIndexKeys?: { partition: string; dueInMs: number };
}

export function createPeerReceiver(options: PeerReceiverOptions): Hono {
  const doc = DynamoDBDocumentClient.from(options.dynamo);
  const logger = options.logger ?? new Logger({ serviceName: 'peer-receiver' });
  let keys: Promise<KeyObject[]> | undefined;
  const publicKeys = () => {
    keys ??= options
      .jwks()
      .then((set) => set.keys.map((jwk) => createPublicKey({ key: jwk, format: 'jwk' })));
    return keys;
  };
  const app = new Hono();
  app.post('/webhooks/fal', async (c) => {
    const body = Buffer.from(await c.req.arrayBuffer());
    const [requestId, userId, timestamp, signature] = [
      'x-fal-webhook-request-id',
      'x-fal-webhook-user-id',
      'x-fal-webhook-timestamp',
      'x-fal-webhook-signature',
    ].map((name) => c.req.header(name) ?? '');
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return c.json({ error: 'stale' }, 401);
    const message = Buffer.from(
      `${requestId}\n${userId}\n${timestamp}\n${createHash('sha256').update(body).digest('hex')}`,
    );
    const signed = Buffer.from(signature ?? '', 'hex');
    if (!(await publicKeys()).some((key) => verify(null, message, key, signed)))
      return c.json({ error: 'bad signature' }, 401);
    const jobId = c.req.query('job') ?? '';
    const { Item: job } = await doc.send(
      new GetCommand({ TableName: options.table, Key: { id: jobId }, ConsistentRead: true }),
    );
    if (!job || job.webhookToken !== c.req.query('token')) return c.json({ error: 'unknown job' }, 404);
    if (job.state !== 'submitted') return c.json({ received: true, duplicate: true });
    const payload = JSON.parse(body.toString('utf8')) as {
      status?: string;
      payload?: { video?: { url?: string } };
    };
    try {
      await doc.send(
        new PutCommand({
          TableName: options.table,
          Item: {
            ...job,
            state: payload.status === 'OK' ? 'generated' : 'failed',
            videoUrl: payload.payload?.video?.url,
            version: Number(job.version) + 1,
            ...(options.moveIndexKeys && {
              activeState: options.moveIndexKeys.partition,
              dueAt: Date.now() + options.moveIndexKeys.dueInMs,
            }),
          },
          ConditionExpression: '#version = :version',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':version': job.version },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        return c.json({ received: true, duplicate: true });
      throw error;
    }
    await options.enqueue(jobId);
    logger.debug('webhook captured', { jobId });
    return c.json({ received: true });
  });
  return app;
}
