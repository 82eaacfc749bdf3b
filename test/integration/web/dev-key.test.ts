import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

/** GET with a chosen Host header (fetch does not let a caller set it). */
function getWithHost(path: string, host: string): Promise<{ status: number; body: string; cors?: string }> {
  const url = new URL(path, stack.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname: url.hostname, port: url.port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, cors: res.headers['access-control-allow-origin'] }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe("GET /_local/dev-key (the studio's one-click sign-in on the local stack)", () => {
  it.each(['127.0.0.1', 'localhost', '[::1]'])('answers the dev key to a page opened as %s', async (name) => {
    const port = new URL(stack.url).port;
    const answer = await getWithHost('/_local/dev-key', `${name}:${port}`);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ key: stack.apiKey, tenant: 'local' });
    // no CORS header: a page on another origin cannot read it
    expect(answer.cors).toBeUndefined();
  });

  it.each(['evil.example', 'evil.example:80', '127.0.0.1.evil.example', 'localhost.evil.example:3000'])(
    'is a 404 in the envelope for Host %j (a rebound DNS name)',
    async (host) => {
      const answer = await getWithHost('/_local/dev-key', host);
      expect(answer.status).toBe(404);
      expect(answer.body).not.toContain(stack.apiKey);
      expect(JSON.parse(answer.body).error.code).toBe('not_found');
    },
  );
});
