import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { bodySize } from '../../../functions/core/http/body-size.ts';
import { errorHandler } from '../../../functions/core/http/error-handler.ts';
import { logger } from '../../../functions/core/logger.ts';

const LIMIT = 1000;

/** An app whose one route answers the bytes it read, behind the cap. */
function app() {
  const hono = new Hono();
  hono.onError(errorHandler(logger));
  hono.use('*', bodySize({ json: LIMIT, multipart: 4 * LIMIT }));
  hono.all('/echo', async (c) => c.json({ read: (await c.req.arrayBuffer()).byteLength }));
  return hono;
}

/** A body that records whether anyone read it, and of no declared length. */
function watchedBody(bytes: number) {
  const seen = { pulled: false };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        seen.pulled = true;
        controller.enqueue(new Uint8Array(bytes));
        controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  return { body, seen };
}

const post = (headers: Record<string, string>, body: BodyInit) =>
  ({ method: 'POST', headers, body, duplex: 'half' }) as RequestInit;

describe('bodySize: the cap on a request body', () => {
  it('refuses a declared length over the cap from the header alone, reading nothing', async () => {
    const { body, seen } = watchedBody(10);
    const response = await app().request(
      '/echo',
      post({ 'content-type': 'application/json', 'content-length': String(LIMIT + 1) }, body),
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'request_too_large' } });
    expect(seen.pulled).toBe(false);
  });

  it('lets a declared length within the cap through, and the route reads the body once', async () => {
    const response = await app().request(
      '/echo',
      post({ 'content-type': 'application/json', 'content-length': String(LIMIT) }, new Uint8Array(LIMIT)),
    );
    expect(await response.json()).toEqual({ read: LIMIT });
  });

  it('counts a body of unknown length as it is read, and refuses it past the cap', async () => {
    const over = watchedBody(LIMIT + 1);
    expect(
      (await app().request('/echo', post({ 'content-type': 'application/json' }, over.body))).status,
    ).toBe(413);
    const within = watchedBody(LIMIT);
    const response = await app().request('/echo', post({ 'content-type': 'application/json' }, within.body));
    expect(await response.json()).toEqual({ read: LIMIT });
  });

  it('gives multipart its own, larger cap', async () => {
    const headers = { 'content-type': 'multipart/form-data; boundary=x' };
    expect(
      (
        await app().request(
          '/echo',
          post({ ...headers, 'content-length': String(2 * LIMIT) }, new Uint8Array(2 * LIMIT)),
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await app().request(
          '/echo',
          post({ ...headers, 'content-length': String(4 * LIMIT + 1) }, new Uint8Array(10)),
        )
      ).status,
    ).toBe(413);
  });
});
