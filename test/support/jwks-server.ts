import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type JwksServerMode = 'up' | 'error' | 'down';

/**
 * A JWKS over real HTTP that can fail the ways an outage does: `error` answers 503, `down` closes
 * the listening socket (connection refused). `fetches` counts the requests that reached it.
 */
export async function startJwksServer(keys: () => object[]) {
  let mode: JwksServerMode = 'up';
  let fetches = 0;
  const handler = (_req: unknown, res: import('node:http').ServerResponse) => {
    fetches++;
    if (mode === 'error') {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys() }));
  };
  let server: Server = createServer(handler);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get fetches() {
      return fetches;
    },
    async set(next: JwksServerMode) {
      if (mode === 'down' && next !== 'down') {
        server = createServer(handler);
        await new Promise<void>((ready) => server.listen(port, '127.0.0.1', ready));
      } else if (next === 'down' && mode !== 'down') await close();
      mode = next;
    },
    async close() {
      if (mode !== 'down') await close();
    },
  };
}
