import WebSocket from 'ws';
import type { TestStack } from './test-stack.ts';

export interface LiveEvent {
  id: string;
  object: 'event';
  type: string;
  created_at: number;
  data: {
    id: string;
    status: string;
    progress: number;
    queue_position: number | null;
    [field: string]: unknown;
  };
}

export interface StreamClient {
  socket: WebSocket;
  events: LiveEvent[];
  /** Until an event matches (or fails after `timeoutMs`). */
  waitFor(match: (event: LiveEvent) => boolean, timeoutMs?: number): Promise<LiveEvent>;
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/**
 * A real WebSocket client on the stack's /v1/events: by key in the Authorization header (the
 * default), or by `token` in the query; `videoId` subscribes to one video.
 */
export async function openStream(
  stack: TestStack,
  options: { key?: string; token?: string; videoId?: string; autoPong?: boolean } = {},
): Promise<StreamClient> {
  const url = new URL('/v1/events', stack.url.replace(/^http/, 'ws'));
  if (options.token) url.searchParams.set('token', options.token);
  if (options.videoId) url.searchParams.set('video_id', options.videoId);
  const socket = new WebSocket(url, ['reelay-events'], {
    ...(!options.token && { headers: { authorization: `Bearer ${options.key ?? stack.apiKey}` } }),
    autoPong: options.autoPong ?? true,
  });
  const events: LiveEvent[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    events.push(JSON.parse(String(data)) as LiveEvent);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    events,
    closed,
    close: () => socket.close(),
    waitFor(match, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`no matching event in ${timeoutMs} ms; saw ${events.map((e) => e.type).join(', ')}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

/** Until the stack has recorded `count` streams of `tenant` (the record is written after the upgrade). */
export async function streamsRecorded(stack: TestStack, tenant: string, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await stack.deps.connections.listByTenant(tenant, stack.deps.now())).length < count) {
    if (Date.now() > deadline) throw new Error(`${tenant} never had ${count} streams recorded`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
