import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Hono } from 'hono';
import { resolveVideo } from '../../../functions/core/domain/catalog/index.ts';

/**
 * The peer create and poll: what a competent engineer writes for "accept a video request, hand it to
 * fal" with no limits, safety or idempotency. Create: one conditional PutItem, fal's queue submit,
 * one UpdateItem. Poll: one GetItem. Benchmark code, the yardstick for Reelay's create and retrieve.
 */
export interface PeerCreateOptions {
  dynamo: DynamoDBClient;
  table: string;
  apiKey: string;
  falQueueUrl: string;
  falKey: string;
  /** Where fal is told to send its webhook. */
  webhookUrl: string;
}

export function createPeerCreateServer(options: PeerCreateOptions): Hono {
  const doc = DynamoDBDocumentClient.from(options.dynamo);
  const app = new Hono();
  app.use('/v1/*', async (c, next) => {
    if (c.req.header('authorization') !== `Bearer ${options.apiKey}`)
      return c.json({ error: 'unauthorized' }, 401);
    await next();
  });
  app.post('/v1/videos', async (c) => {
    const body = (await c.req.json()) as { prompt?: unknown; seconds?: unknown };
    if (typeof body.prompt !== 'string' || body.prompt.length === 0) return c.json({ error: 'prompt' }, 400);
    const video = resolveVideo({ prompt: body.prompt, seconds: String(body.seconds ?? '4') as '4' });
    const id = `peer_${randomUUID()}`;
    await doc.send(
      new PutCommand({
        TableName: options.table,
        Item: { id, state: 'queued', prompt: body.prompt, createdAt: Date.now() },
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
    const submitted = await fetch(
      `${options.falQueueUrl}/${video.falEndpoint}?fal_webhook=${encodeURIComponent(options.webhookUrl)}`,
      {
        method: 'POST',
        headers: { authorization: `Key ${options.falKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(video.falInput),
      },
    );
    if (!submitted.ok) return c.json({ error: `fal answered ${submitted.status}` }, 502);
    const { request_id: requestId } = (await submitted.json()) as { request_id: string };
    await doc.send(
      new UpdateCommand({
        TableName: options.table,
        Key: { id },
        UpdateExpression: 'SET #state = :submitted, requestId = :requestId',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':submitted': 'submitted', ':requestId': requestId },
      }),
    );
    return c.json({ id, object: 'video', status: 'queued' });
  });
  app.get('/v1/videos/:id', async (c) => {
    const { Item } = await doc.send(
      new GetCommand({ TableName: options.table, Key: { id: c.req.param('id') } }),
    );
    return Item
      ? c.json({ id: Item.id, object: 'video', status: Item.state })
      : c.json({ error: 'not found' }, 404);
  });
  app.post('/webhooks/fal', (c) => c.json({ received: true }));
  return app;
}
