import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpWebhookSender } from '../../../functions/core/events/http/webhook-sender.ts';

let server: Server;
let port = 0;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    hits.push(request.url ?? '');
    if (request.url === '/huge') {
      response.writeHead(200);
      // an endless answer: the sender stops reading after a few KB
      const chunk = Buffer.alloc(64 * 1024, 1);
      const write = () => {
        while (response.write(chunk)) {}
        response.once('drain', write);
      };
      write();
      response.on('close', () => response.destroy());
      return;
    }
    if (request.url === '/silent') return; // never answers
    response.writeHead(204);
    response.end();
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const post = (
  url: string,
  send = createHttpWebhookSender({ rules: { allowLocal: true }, timeoutMs: 2_000 }),
) => send({ url, headers: { 'content-type': 'application/json' }, body: '{}' });

describe('the webhook sender', () => {
  it('answers the status code of a plain 2xx', async () => {
    expect(await post(`http://127.0.0.1:${port}/ok`)).toMatchObject({ statusCode: 204 });
  });

  it('stops reading an answer after a few KB', async () => {
    expect(await post(`http://127.0.0.1:${port}/huge`)).toMatchObject({ statusCode: 200 });
  });

  it('gives up on a receiver that never answers', async () => {
    const send = createHttpWebhookSender({ rules: { allowLocal: true }, timeoutMs: 200 });
    expect(await post(`http://127.0.0.1:${port}/silent`, send)).toMatchObject({
      error: expect.stringContaining('timed out'),
    });
  });

  it('refuses loopback, private and http URLs outside the local stack, before connecting', async () => {
    const before = hits.length;
    const strict = createHttpWebhookSender({
      rules: { allowLocal: false },
      timeoutMs: 2_000,
      resolve: async () => ['10.1.2.3'],
    });
    for (const url of [
      `http://127.0.0.1:${port}/ok`,
      `https://127.0.0.1:${port}/ok`,
      'https://internal.example.com/',
    ])
      expect(await post(url, strict)).toMatchObject({ error: expect.stringContaining('refused') });
    expect(hits.length).toBe(before);
  });
});
