import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../functions/core/config.ts';
import { withDeadline } from '../../../functions/core/deadline.ts';
import { DeadlineHttpHandler } from '../../../functions/core/net/deadline-http-handler.ts';
import { dynamoClient, sqsClient } from '../../../functions/core/wiring/aws-clients.ts';
import { s3Client } from '../../../functions/core/wiring/s3.ts';
import { readSecret } from '../../../functions/core/wiring/secrets.ts';

/**
 * A stand-in for an AWS endpoint that has gone quiet: it takes the connection and the request and
 * never answers, or answers its headers and then trickles a body. It records every request it took.
 */
interface QuietServer {
  url: string;
  port: number;
  requests: number;
  close(): Promise<void>;
}

const THROTTLED = JSON.stringify({
  __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
  message: 'Rate of requests exceeds the allowed throughput.',
});

async function quietServer(mode: 'silent' | 'trickle' | 'throttle'): Promise<QuietServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const state = { requests: 0 };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    if (mode === 'throttle') {
      // DynamoDB refusing every request at once, as it does past a table's throughput
      socket.on('data', () => {
        state.requests += 1;
        socket.write(
          `HTTP/1.1 400 Bad Request\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: ${THROTTLED.length}\r\n\r\n${THROTTLED}`,
        );
      });
      return;
    }
    socket.once('data', () => {
      state.requests += 1;
      if (mode === 'silent') return;
      socket.write(
        'HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ntransfer-encoding: chunked\r\n\r\n',
      );
      // a chunk every 50 ms for ever: never silent long enough for an idle limit, never finished
      const timer = setInterval(() => socket.write('1\r\nx\r\n'), 50);
      timers.add(timer);
      socket.once('close', () => clearInterval(timer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return state.requests;
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The handler with a 1 s connect limit and these. */
const limited = (responseMs = 5_000, idleMs = 5_000) =>
  new DeadlineHttpHandler({ connectMs: 1_000, responseMs, idleMs });

/** A plain GET through the handler alone, as the SDK sends one. */
function get(handler: DeadlineHttpHandler, port: number, abortSignal?: AbortSignal) {
  const request = { protocol: 'http:', hostname: '127.0.0.1', port, method: 'GET', path: '/', headers: {} };
  return handler.handle(request as Parameters<DeadlineHttpHandler['handle']>[0], { abortSignal });
}

async function readAtMost(body: Readable, bytes: number): Promise<number> {
  let read = 0;
  for await (const chunk of body) {
    read += (chunk as Buffer).length;
    if (read >= bytes) break;
  }
  return read;
}

describe('AWS calls are bounded (net/aws-call-bounds.ts)', () => {
  let server: QuietServer;
  afterEach(async () => {
    await server.close();
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });
  beforeEach(() => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  });

  // Each wired client, to an endpoint that never answers, inside a request's deadline: the call ends
  // with an abort near the deadline instead of holding the request until API Gateway gives up, and the
  // SDK does not try again past it. Without the handler these calls wait for ever (the test's timeout).
  const clients = {
    dynamodb: (url: string) =>
      dynamoClient(loadConfig({ REELAY_DYNAMODB_ENDPOINT: url })).send(
        new GetItemCommand({ TableName: 'jobs', Key: { id: { S: 'a' } } }),
      ),
    sqs: (url: string) =>
      sqsClient(loadConfig({ REELAY_SQS_ENDPOINT: url })).send(
        new SendMessageCommand({ QueueUrl: `${url}/000000000000/archive`, MessageBody: '{}' }),
      ),
    s3: (url: string) =>
      s3Client(loadConfig({ REELAY_S3_ENDPOINT: url })).send(
        new HeadObjectCommand({ Bucket: 'videos', Key: 'videos/a.mp4' }),
      ),
    'secrets manager': (url: string) => {
      // the SDK's own switch for a service's endpoint; Powertools builds the client on the first read
      vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', url);
      vi.stubEnv('AWS_REGION', 'us-east-1');
      return readSecret('fal-key', 0);
    },
  };
  it.each(Object.keys(clients) as (keyof typeof clients)[])(
    'the wired %s client gives up at the deadline on a silent endpoint, once',
    async (service) => {
      server = await quietServer('silent');
      const call = withDeadline(Date.now() + 2_000, () => clients[service](server.url));
      // the SDK's AbortError (Powertools wraps it for a secret, message and all)
      await expect(call).rejects.toThrow(/request aborted/i);
      expect(server.requests).toBe(1);
    },
  );

  it('outside a deadline the wired DynamoDB client retries a throttle as the SDK does: 4 attempts', async () => {
    server = await quietServer('throttle');
    // no back-off, so the test does not wait for it
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const client = dynamoClient(loadConfig({ REELAY_DYNAMODB_ENDPOINT: server.url }));
    await expect(
      client.send(new GetItemCommand({ TableName: 'jobs', Key: { id: { S: 'a' } } })),
    ).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException', $metadata: { attempts: 4 } });
    expect(server.requests).toBe(4);
  });

  it("a retry's wait ends with the deadline: the error being retried is thrown, not slept past", async () => {
    server = await quietServer('throttle');
    // the SDK's back-off is full jitter: at its longest, a throttle waits about a second before a retry
    vi.spyOn(Math, 'random').mockReturnValue(0.99);
    const client = dynamoClient(loadConfig({ REELAY_DYNAMODB_ENDPOINT: server.url }));
    const call = withDeadline(Date.now() + 500, () =>
      client.send(new GetItemCommand({ TableName: 'jobs', Key: { id: { S: 'a' } } })),
    );
    // slept past, the retry would start with no time left and fail as an abort
    await expect(call).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(server.requests).toBe(1);
  });

  it('outside a deadline the service limit ends a silent attempt, and the SDK retries it', async () => {
    server = await quietServer('silent');
    const client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: server.url,
      maxAttempts: 2,
      requestHandler: limited(300, 5_000),
    });
    await expect(
      client.send(new GetItemCommand({ TableName: 'jobs', Key: { id: { S: 'a' } } })),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(server.requests).toBe(2);
  });

  it('the response limit stops at the headers: a body streaming longer than it is read whole', async () => {
    server = await quietServer('trickle');
    const handler = limited(200, 5_000);
    const { response } = await get(handler, server.port);
    // 12 chunks at 50 ms each: three times the response limit
    expect(await readAtMost(response.body as Readable, 12)).toBe(12);
  });

  it('inside a deadline a streamed body is cut when the deadline comes', async () => {
    server = await quietServer('trickle');
    const handler = limited(60_000, 60_000);
    const read = withDeadline(Date.now() + 1_400, async () => {
      const { response } = await get(handler, server.port);
      return readAtMost(response.body as Readable, Number.POSITIVE_INFINITY);
    });
    await expect(read).rejects.toThrow();
  });

  it.each([
    ['never comes (the local follow-up worker sets one)', () => Number.POSITIVE_INFINITY],
    ['is further off than a timer can hold', () => Date.now() + 2 ** 32],
    // as when a fal call was just cut short: the write that records it still runs
    ["leaves less than the second kept back from fal's calls", () => Date.now() + 700],
  ])('under a deadline that %s, a call answers', async (_, deadlineAt) => {
    server = await quietServer('trickle');
    const handler = limited();
    const read = withDeadline(deadlineAt(), async () => {
      const { response } = await get(handler, server.port);
      return readAtMost(response.body as Readable, 3);
    });
    expect(await read).toBe(3);
  });

  it('a call with no time left is not sent at all', async () => {
    server = await quietServer('trickle');
    const handler = limited();
    await expect(withDeadline(Date.now() - 1, () => get(handler, server.port))).rejects.toMatchObject({
      name: 'AbortError',
    });
    // a call after it, outside any deadline, is the server's first and only request
    const { response } = await get(handler, server.port);
    await readAtMost(response.body as Readable, 1);
    expect(server.requests).toBe(1);
  });

  it("inside a deadline the caller's own abort signal still counts", async () => {
    server = await quietServer('silent');
    const handler = limited(60_000, 60_000);
    const own = new AbortController();
    const call = withDeadline(Date.now() + 60_000, () => get(handler, server.port, own.signal));
    setTimeout(() => own.abort(), 100);
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  });
});
