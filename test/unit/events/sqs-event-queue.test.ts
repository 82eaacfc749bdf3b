import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { redriveAws } from '../../../dev/redrive.ts';
import { createSqsEventQueue } from '../../../functions/core/queue/sqs/event-queue.ts';

/** A stand-in for SQS's JSON protocol that records each call. */
const calls: Array<{ target: string; body: Record<string, unknown> }> = [];
let server: Server;
let client: SQSClient;

beforeAll(async () => {
  server = createServer(async (request: IncomingMessage, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    const parsed = JSON.parse(body);
    calls.push({ target: String(request.headers['x-amz-target']), body: parsed });
    // the SDK checks the MD5 SQS reports of what it stored
    const md5 = createHash('md5')
      .update(String(parsed.MessageBody ?? ''))
      .digest('hex');
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify({ MessageId: 'm1', MD5OfMessageBody: md5, TaskHandle: 'task-1' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new SQSClient({
    region: 'eu-west-1',
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  calls.length = 0;
});

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/Reelay-Events';
const DLQ = 'https://sqs.eu-west-1.amazonaws.com/123456789012/Reelay-EventDeadLetters';

describe('the SQS event queue', () => {
  it('sends a retry due soon as a delayed message, in whole seconds, at most 15 minutes', async () => {
    const queue = createSqsEventQueue(client, QUEUE, DLQ);
    await queue.enqueue('video_a');
    await queue.enqueue('video_b', 4_200);
    await queue.enqueue('video_c', 3_600_000);
    const sent = calls.map((call) => call.body);
    expect(
      sent.map((body) => [JSON.parse(String(body.MessageBody)).jobId, body.QueueUrl, body.DelaySeconds]),
    ).toEqual([
      ['video_a', QUEUE, undefined],
      ['video_b', QUEUE, 5],
      ['video_c', QUEUE, 900],
    ]);
  });

  it('parks a give-up in the dead-letter queue, marked to revive the sinks when redriven', async () => {
    await createSqsEventQueue(client, QUEUE, DLQ).deadLetter('video_d');
    expect(calls.map((call) => [call.body.QueueUrl, JSON.parse(String(call.body.MessageBody))])).toEqual([
      [DLQ, { jobId: 'video_d', revive: true }],
    ]);
  });

  it('npm run redrive -- --dlq-arn … --to-arn … moves event dead letters to the event queue', async () => {
    const dlq = 'arn:aws:sqs:eu-west-1:123456789012:Reelay-EventDeadLetters';
    const events = 'arn:aws:sqs:eu-west-1:123456789012:Reelay-Events';
    expect(await redriveAws(client, dlq, events)).toBe('task-1');
    expect(calls).toEqual([
      { target: 'AmazonSQS.StartMessageMoveTask', body: { SourceArn: dlq, DestinationArn: events } },
    ]);
  });
});
