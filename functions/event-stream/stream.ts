import type { Deps } from '../core/deps.ts';
import { closeConnection, openConnection, type Refusal } from '../core/live/connect.ts';

/** What API Gateway's WebSocket API hands `$connect` and `$disconnect` (headers and query on connect only). */
export interface WebSocketRouteEvent {
  requestContext: { routeKey: string; connectionId: string };
  headers?: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined> | null;
}

export interface WebSocketRouteResult {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

export type EventStreamDeps = Pick<
  Deps,
  'resolveKey' | 'secretBox' | 'connections' | 'livePush' | 'eventQueue' | 'config' | 'now' | 'logger'
>;

/** The subprotocol a browser names (with its token beside it); answered back, or the browser drops the stream. */
export const EVENTS_PROTOCOL = 'reelay-events';

/** API Gateway posts to a connection only once `$connect` has answered: the greeting waits a second. */
const GREET_DELAY_MS = 1_000;

/** A refused `$connect` fails the handshake with this status (API Gateway closes no stream it never opened). */
const STATUS: Record<Refusal['refused'], number> = {
  unauthenticated: 401,
  invalid_request: 400,
  too_many_connections: 429,
};

const header = (event: WebSocketRouteEvent, name: string) =>
  Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];

/** `$connect` and `$disconnect` of the WebSocket API: the same core the local server runs. */
export function createEventStreamHandler(deps: EventStreamDeps) {
  return async function eventStream(event: WebSocketRouteEvent): Promise<WebSocketRouteResult> {
    const { routeKey, connectionId } = event.requestContext;
    if (routeKey === '$disconnect') {
      await closeConnection(deps, connectionId);
      return { statusCode: 200 };
    }
    const offered = (header(event, 'sec-websocket-protocol') ?? '').split(',').map((p) => p.trim());
    const query = event.queryStringParameters ?? {};
    const opened = await openConnection(
      deps,
      connectionId,
      {
        apiKey: /^Bearer\s+(\S+)\s*$/i.exec(header(event, 'authorization') ?? '')?.[1],
        token: query.token ?? offered.find((p) => p.startsWith('evtok_')),
        videoId: query.video_id,
      },
      GREET_DELAY_MS,
    );
    if ('refused' in opened) {
      deps.logger.info('event stream refused', { connectionId, reason: opened.refused });
      return {
        statusCode: STATUS[opened.refused],
        body: JSON.stringify({ error: { code: opened.refused, message: opened.message, param: null } }),
      };
    }
    return {
      statusCode: 200,
      ...(offered.includes(EVENTS_PROTOCOL) && { headers: { 'Sec-WebSocket-Protocol': EVENTS_PROTOCOL } }),
    };
  };
}
