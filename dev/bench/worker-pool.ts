import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export interface PoolOptions {
  /** Requests handled at once (Lambda's reserved concurrency, a server's worker count). */
  workers: number;
  /** From arrival to answer, waiting for a worker included (API Gateway's is 29 s). */
  timeoutMs: number;
}

export interface PooledServer {
  url: string;
  close(): Promise<void>;
}

type Fetch = (request: Request) => Response | Promise<Response>;

const timedOut = () => Response.json({ error: { code: 'gateway_timeout' } }, { status: 504 });

/**
 * `handler` behind a fixed pool of workers: a request waits for a free worker and is answered 504
 * once `timeoutMs` has passed since it arrived. A handler still running then keeps its worker until
 * it returns, as a Lambda invocation outlives API Gateway's timeout.
 */
export function pooled(handler: Fetch, options: PoolOptions): Fetch {
  let busy = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else busy--;
  };
  return async (request) => {
    const deadline = Date.now() + options.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
    });
    try {
      if (busy < options.workers) busy++;
      else {
        let take: () => void = () => {};
        const slot = new Promise<'slot'>((resolve) => {
          take = () => resolve('slot');
          waiting.push(take);
        });
        if ((await Promise.race([slot, expired])) === 'timeout') {
          waiting.splice(waiting.indexOf(take), 1);
          return timedOut();
        }
      }
      const work = Promise.resolve()
        .then(() => handler(request))
        .finally(release);
      const answer = await Promise.race([work, expired]);
      if (answer === 'timeout' || Date.now() > deadline) {
        work.catch(() => undefined);
        return timedOut();
      }
      return answer;
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Serves `handler` through the pool on a free loopback port (HTTP/1.1, as API Gateway and an ALB speak to clients). */
export async function servePooled(handler: Fetch, options: PoolOptions): Promise<PooledServer> {
  const fetch = pooled(handler, options);
  const server = await new Promise<Server>((ready) => {
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => ready(s as Server));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((done) => {
        // users' keep-alive sockets would hold the server open
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
