import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiGatewayLivePush } from '../../../functions/core/live/api-gateway/live-push.ts';
import { issueStreamToken } from '../../../functions/core/live/stream-token.ts';
import { createEventStreamHandler } from '../../../functions/event-stream/stream.ts';
import { OTHER_KEY, OTHER_TENANT } from '../../support/other-tenant.ts';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { REELAY_EVENTS_MAX_CONNECTIONS_PER_KEY: '1' } });
});
afterAll(() => stack.close());

/** Greetings asked for, kept here: on AWS they would wait for the deliverer, which has no socket to post to in this test. */
const greeted: string[] = [];
/** The connections API Gateway holds open, as GetConnection would answer. */
const openAtGateway = new Set<string>();
const handlerDeps = () => ({
  ...stack.deps,
  livePush: {
    post: async (connectionId: string) =>
      openAtGateway.has(connectionId) ? ('sent' as const) : ('gone' as const),
    isOpen: async (connectionId: string) => openAtGateway.has(connectionId),
  },
  eventQueue: {
    ...stack.deps.eventQueue,
    greet: async (connectionId: string) => {
      greeted.push(connectionId);
    },
  },
});

const connect = (
  connectionId: string,
  extra: { headers?: Record<string, string>; query?: Record<string, string> },
) => ({
  requestContext: { routeKey: '$connect', connectionId },
  headers: extra.headers,
  queryStringParameters: extra.query ?? null,
});

describe("the WebSocket API's $connect and $disconnect (functions/event-stream)", () => {
  it('records a connection by key, echoes the subprotocol, queues its greeting, and $disconnect removes it', async () => {
    const handler = createEventStreamHandler(handlerDeps());
    const answer = await handler(
      connect('conn-a', {
        headers: { Authorization: `Bearer ${OTHER_KEY}`, 'Sec-WebSocket-Protocol': 'reelay-events' },
      }),
    );
    expect(answer).toEqual({ statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'reelay-events' } });
    expect(await stack.deps.connections.get('conn-a')).toMatchObject({ tenant: OTHER_TENANT });
    expect(greeted).toEqual(['conn-a']);
    openAtGateway.add('conn-a');

    // the key's one stream is taken: a second is refused with 429, and recorded nowhere
    const over = await handler(connect('conn-b', { headers: { authorization: `Bearer ${OTHER_KEY}` } }));
    expect(over.statusCode).toBe(429);
    expect(await stack.deps.connections.get('conn-b')).toBeUndefined();

    // conn-a went away without a $disconnect: its stale record no longer holds the key's place
    openAtGateway.delete('conn-a');
    expect(
      (await handler(connect('conn-b', { headers: { authorization: `Bearer ${OTHER_KEY}` } }))).statusCode,
    ).toBe(200);
    expect(await stack.deps.connections.get('conn-a')).toBeUndefined();

    expect(await handler({ requestContext: { routeKey: '$disconnect', connectionId: 'conn-b' } })).toEqual({
      statusCode: 200,
    });
    expect(await stack.deps.connections.get('conn-b')).toBeUndefined();
  });

  it('takes a token in the query or as a subprotocol; refuses a forged or expired one with 401', async () => {
    const handler = createEventStreamHandler(handlerDeps());
    const { token } = await issueStreamToken(stack.deps, { tenant: 'local', keyId: 'k1' });
    expect((await handler(connect('conn-q', { query: { token } }))).statusCode).toBe(200);
    const other = await issueStreamToken(stack.deps, { tenant: 'local', keyId: 'k2' });
    const viaProtocol = await handler(
      connect('conn-p', {
        headers: { 'sec-websocket-protocol': `reelay-events, ${other.token}` },
        query: {},
      }),
    );
    expect(viaProtocol).toEqual({ statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'reelay-events' } });
    expect(await stack.deps.connections.get('conn-p')).toMatchObject({ tenant: 'local', keyId: 'k2' });
    const forged = await handler(connect('conn-f', { query: { token: `${token.slice(0, -4)}AAAA` } }));
    expect(forged.statusCode).toBe(401);
    expect(JSON.parse(forged.body ?? '{}')).toMatchObject({ error: { code: 'unauthenticated' } });
    const expired = await issueStreamToken(
      { ...stack.deps, now: () => Date.now() - 120_000 },
      {
        tenant: 'local',
        keyId: 'k2',
      },
    );
    expect((await handler(connect('conn-e', { query: { token: expired.token } }))).statusCode).toBe(401);
  });
});

describe('posting through the management API (core/live/api-gateway)', () => {
  let server: Server;
  const seen: string[] = [];
  beforeAll(async () => {
    // API Gateway's answers: 200 for a live connection, 410 GoneException for one that left
    server = createServer((request, response) => {
      seen.push(`${request.method} ${decodeURIComponent(request.url ?? '')}`);
      if (request.url?.includes('gone')) {
        response.writeHead(410, { 'content-type': 'application/json', 'x-amzn-errortype': 'GoneException' });
        response.end(JSON.stringify({ message: 'gone' }));
        return;
      }
      response.writeHead(200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers sent for a live connection and gone for a 410, and whether a connection is still open', async () => {
    const push = createApiGatewayLivePush(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev`,
      'us-east-1',
    );
    expect(await push.post('live-one', '{"id":"evt_1"}')).toBe('sent');
    expect(await push.post('gone-one', '{"id":"evt_1"}')).toBe('gone');
    expect(await push.isOpen('live-one')).toBe(true);
    expect(await push.isOpen('gone-one')).toBe(false);
    expect(seen).toEqual([
      'POST /dev/@connections/live-one',
      'POST /dev/@connections/gone-one',
      'GET /dev/@connections/live-one',
      'GET /dev/@connections/gone-one',
    ]);
  });
});
