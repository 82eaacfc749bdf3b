import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface S3Proxy {
  endpoint: string;
  /** Object reads that were answered 403 instead of the server's 404. */
  forbidden: number;
  close(): Promise<void>;
}

const ACCESS_DENIED =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>';

/**
 * S3 as a role without s3:ListBucket sees it: a HEAD or GET of a missing key is 403 (AccessDenied),
 * not 404, so the caller cannot learn which keys exist. s3rver evaluates no IAM and has no setting
 * for this, so this proxy sits in front of it and changes exactly that answer (status and body, as
 * S3 sends them: a HEAD has no body); every other request and answer passes through byte for byte.
 */
export async function startS3WithoutListPermission(upstream: string): Promise<S3Proxy> {
  const target = new URL(upstream);
  const proxy: S3Proxy = { endpoint: '', forbidden: 0, close: async () => undefined };
  const server = createServer((incoming, outgoing) => {
    const forward = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        // an object request is /<bucket>/<key>; a 404 on the bucket itself stays a 404, as on S3
        const objectRead =
          (incoming.method === 'HEAD' || incoming.method === 'GET') &&
          /^\/[^/?]+\/[^?]+/.test(incoming.url ?? '');
        if (answer.statusCode === 404 && objectRead) {
          answer.resume();
          proxy.forbidden++;
          const body = incoming.method === 'HEAD' ? '' : ACCESS_DENIED;
          outgoing.writeHead(403, {
            'content-type': 'application/xml',
            'content-length': Buffer.byteLength(body),
            'x-amz-request-id': answer.headers['x-amz-request-id'] ?? 'proxy',
          });
          outgoing.end(body);
          return;
        }
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on('error', (error) => outgoing.destroy(error));
    incoming.pipe(forward);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return proxy;
}
