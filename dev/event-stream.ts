import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Deps } from '../functions/core/deps.ts';
import { closeConnection, openConnection, type Refusal } from '../functions/core/live/connect.ts';
import type { LivePush } from '../functions/core/live/live-push.ts';
import { EVENTS_PROTOCOL } from '../functions/event-stream/stream.ts';

/** Close codes a refused stream gets (4000–4999 are the application's): the reason says more. */
export const CLOSE_CODES: Record<Refusal['refused'], number> = {
  unauthenticated: 4401,
  invalid_request: 4400,
  too_many_connections: 4429,
};

/** The subprotocol the server answers with; a token may ride beside it as a second one. */

/** One message the server posted: the record tests assert against. */
export interface PostedMessage {
  connectionId: string;
  tenant: string;
  body: string;
}

export interface EventStreamServer extends LivePush {
  /** Streams open now (for tests and the chaos run). */
  open(): number;
  /** Every message posted since start, oldest first (bounded). */
  posted(): readonly PostedMessage[];
  close(): Promise<void>;
}

/** API Gateway's connection ids look like this: 12 random bytes, base64. */
const newConnectionId = () => randomBytes(12).toString('base64').replace(/[+/]/g, '_');

/**
 * The API Gateway WebSocket API's local twin on `npm start`'s port: `GET /v1/events` upgraded, its
 * `$connect` (openConnection: key or token, the cap, the record, the greeting) and `$disconnect`
 * (closeConnection) run the same core code, and the deliverer posts through `post` as it would
 * through the management API. A stream that answers no ping within `pingMs` is ended, as API
 * Gateway ends an idle one.
 */
export function attachEventStream(
  http: Server,
  service: Deps,
  options: { pingMs?: number } = {},
): EventStreamServer {
  const sockets = new Map<string, WebSocket>();
  const tenants = new Map<string, string>();
  const record: PostedMessage[] = [];
  const alive = new WeakSet<WebSocket>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 4 * 1024,
    handleProtocols: (protocols) => (protocols.has(EVENTS_PROTOCOL) ? EVENTS_PROTOCOL : false),
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/v1/events') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => void accept(ws, request, url));
  };

  async function accept(ws: WebSocket, request: IncomingMessage, url: URL) {
    const connectionId = newConnectionId();
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const token = url.searchParams.get('token') ?? offered.find((p) => p.startsWith('evtok_'));
    const videoId = url.searchParams.get('video_id') ?? undefined;
    // registered before the record exists: the greeting may be posted the moment it does
    sockets.set(connectionId, ws);
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    ws.on('error', () => ws.terminate());
    // the client has nothing to say: a stream is one way
    ws.on('message', () => undefined);
    ws.on('close', () => {
      sockets.delete(connectionId);
      tenants.delete(connectionId);
      void closeConnection(service, connectionId).catch((error: unknown) =>
        service.logger.warn('closing an event stream record failed', { connectionId, error: String(error) }),
      );
    });
    try {
      const opened = await openConnection(
        service,
        connectionId,
        { apiKey: bearer, token: token ?? undefined, videoId },
        0,
      );
      if (!('refused' in opened)) tenants.set(connectionId, opened.tenant);
      else {
        sockets.delete(connectionId);
        ws.close(CLOSE_CODES[opened.refused], `${opened.refused}: ${opened.message}`.slice(0, 123));
      }
    } catch (error) {
      sockets.delete(connectionId);
      service.logger.error('opening an event stream failed', { connectionId, error: String(error) });
      ws.close(1011, 'internal_error');
    }
  }

  http.on('upgrade', onUpgrade);
  const pinger = setInterval(() => {
    for (const ws of sockets.values()) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, options.pingMs ?? 30_000);
  pinger.unref();

  return {
    async post(connectionId, body) {
      const ws = sockets.get(connectionId);
      if (!ws || ws.readyState !== ws.OPEN) return 'gone';
      await new Promise<void>((resolve, reject) =>
        ws.send(body, (error) => (error ? reject(error) : resolve())),
      );
      record.push({ connectionId, tenant: tenants.get(connectionId) ?? '', body });
      // a record for tests and the chaos run, bounded for a long-running npm start
      if (record.length > 10_000) record.splice(0, record.length - 10_000);
      return 'sent';
    },
    async isOpen(connectionId) {
      const ws = sockets.get(connectionId);
      return ws !== undefined && ws.readyState === ws.OPEN;
    },
    open: () => sockets.size,
    posted: () => record,
    async close() {
      clearInterval(pinger);
      http.off('upgrade', onUpgrade);
      for (const ws of sockets.values()) ws.close(1001, 'server stopping');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
