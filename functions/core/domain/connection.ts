/** One open event stream: whose it is and what it listens to. Times are epoch ms. */
export interface Connection {
  connectionId: string;
  tenant: string;
  keyId: string;
  /** Only this video's events, when the client asked for one. */
  videoId?: string;
  connectedAt: number;
  /** After this the record may be dropped: API Gateway ends a connection at 2 hours. */
  expiresAt: number;
}

/** API Gateway's longest connection; a record outliving it is stale. */
export const CONNECTION_LIFETIME_MS = 2 * 3_600_000;

/** Whether an event about `videoId` goes to this connection. */
export const wantsVideo = (connection: Connection, videoId: string) =>
  connection.videoId === undefined || connection.videoId === videoId;

/** The connections a new one would join; a key over its cap is refused. */
export const overCap = (open: readonly Connection[], keyId: string, cap: number) =>
  open.filter((connection) => connection.keyId === keyId).length >= cap;
