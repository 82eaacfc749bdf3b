import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  /** What the receiver answered. */
  status?: number;
}

/** How the receiver answers its n-th request (0-based): a status, and optionally a Location. */
export type Answer = (n: number, request: Received) => { status: number; location?: string };

/** A real HTTP receiver on loopback that records every request and its answer: for webhook tests and the chaos run. */
export interface Receiver {
  url: string;
  received: Received[];
  /** Requests whose path starts with `path`. */
  at(path: string): Received[];
  answer: Answer;
  /** Resolves once `count` requests to `path` have come (fails after `timeoutMs`). */
  waitFor(path: string, count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(answer: Answer = () => ({ status: 200 })): Promise<Receiver> {
  const received: Received[] = [];
  const counts = new Map<string, number>();
  const receiver: Receiver = {
    url: '',
    received,
    answer,
    at: (path) => received.filter((r) => r.path.startsWith(path)),
    async waitFor(path, count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (receiver.at(path).length < count) {
        if (Date.now() > deadline)
          throw new Error(`receiver got ${receiver.at(path).length} of ${count} requests to ${path}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return receiver.at(path);
    },
    close: () => new Promise((done) => server.close(() => done())),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const record: Received = {
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      received.push(record);
      const n = counts.get(path) ?? 0;
      counts.set(path, n + 1);
      const { status, location } = receiver.answer(n, record);
      record.status = status;
      response.writeHead(status, location ? { location } : {});
      response.end('ok');
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}
