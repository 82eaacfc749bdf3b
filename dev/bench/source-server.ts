import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const CHUNK = randomBytes(1024 * 1024);

/**
 * A loopback "CDN": `GET /<bytes>.mp4` streams that many bytes (one random MiB repeated) with
 * Content-Length, honouring backpressure, so the source never holds the file in memory.
 */
export async function startSourceServer() {
  const server = createServer((req, res) => {
    const bytes = Number(/^\/(\d+)\.mp4$/.exec(req.url ?? '')?.[1]);
    if (!Number.isSafeInteger(bytes)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': bytes });
    let left = bytes;
    const pump = () => {
      while (left > 0) {
        const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
        left -= piece.length;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    url: (bytes: number) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/${bytes}.mp4`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
