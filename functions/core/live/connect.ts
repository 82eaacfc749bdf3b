import type { Deps } from '../deps.ts';
import { CONNECTION_LIFETIME_MS, type Connection, overCap } from '../domain/connection.ts';
import { VIDEO_ID_PATTERN } from '../domain/ids.ts';
import { readStreamToken } from './stream-token.ts';

/** What a client offered to open a stream with. */
export interface StreamCredentials {
  /** `Authorization: Bearer <key>`, where the client can send headers. */
  apiKey?: string;
  /** A token from POST /v1/events/tokens (query `token` or the subprotocol). */
  token?: string;
  /** Only this video's events (query `video_id`). */
  videoId?: string;
}

/** Why a stream was refused: the edge maps each to a close code (locally) or a status (API Gateway). */
export type Refusal =
  | { refused: 'unauthenticated'; message: string }
  | { refused: 'invalid_request'; message: string }
  | { refused: 'too_many_connections'; message: string };

/**
 * `$connect`'s work, on AWS and locally alike: the caller is known by key or token, asks for a valid
 * video (if any), and its key holds fewer streams than the cap; then the connection is recorded and
 * its greeting (the unfinished videos) is queued for the deliverer.
 */
export async function openConnection(
  deps: Pick<
    Deps,
    'resolveKey' | 'secretBox' | 'connections' | 'livePush' | 'eventQueue' | 'config' | 'now' | 'logger'
  >,
  connectionId: string,
  credentials: StreamCredentials,
  greetDelayMs: number,
): Promise<Connection | Refusal> {
  const { apiKey, token, videoId } = credentials;
  const caller =
    apiKey !== undefined
      ? apiKey.length <= 256
        ? await deps.resolveKey(apiKey)
        : undefined
      : token !== undefined
        ? await readStreamToken(deps, token)
        : undefined;
  if (!caller) {
    return {
      refused: 'unauthenticated',
      message:
        apiKey === undefined && token === undefined
          ? 'Send your API key as "Authorization: Bearer <key>", or a token from POST /v1/events/tokens as ?token=.'
          : 'The API key or token is not valid (tokens last a minute).',
    };
  }
  if (videoId !== undefined && !VIDEO_ID_PATTERN.test(videoId))
    return { refused: 'invalid_request', message: 'video_id is not a video id.' };
  const now = deps.now();
  const cap = deps.config.events.maxConnectionsPerKey;
  let open = await deps.connections.listByTenant(caller.tenant, now);
  // before refusing, make sure the streams counted are still there: a record whose $disconnect
  // never came (a crash, a restart) must not lock its key out until its TTL
  if (overCap(open, caller.keyId, cap)) open = await withoutGone(deps, open, caller.keyId);
  if (overCap(open, caller.keyId, cap))
    return { refused: 'too_many_connections', message: `This API key already holds ${cap} event streams.` };
  const connection: Connection = {
    connectionId,
    tenant: caller.tenant,
    keyId: caller.keyId,
    ...(videoId !== undefined && { videoId }),
    connectedAt: now,
    expiresAt: now + CONNECTION_LIFETIME_MS,
  };
  await deps.connections.put(connection);
  await deps.eventQueue.greet(connectionId, greetDelayMs).catch((error: unknown) => {
    // the stream still works; a reconnect is greeted again
    deps.logger.warn('greeting enqueue failed', { connectionId, error: String(error) });
  });
  return connection;
}

/** The key's streams that are still open; the records of those that are not are removed. */
async function withoutGone(
  deps: Pick<Deps, 'connections' | 'livePush' | 'logger'>,
  open: Connection[],
  keyId: string,
): Promise<Connection[]> {
  const checked = await Promise.all(
    open.map(async (connection) => {
      if (connection.keyId !== keyId || (await deps.livePush.isOpen(connection.connectionId)))
        return connection;
      await deps.connections.remove(connection.connectionId);
      deps.logger.info('stale event stream removed', { connectionId: connection.connectionId });
      return undefined;
    }),
  );
  return checked.filter((connection) => connection !== undefined);
}

/** `$disconnect`, or the local server's close: the record goes. */
export async function closeConnection(deps: Pick<Deps, 'connections'>, connectionId: string): Promise<void> {
  await deps.connections.remove(connectionId);
}
