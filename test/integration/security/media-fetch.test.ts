import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaRefusedError, openMedia } from '../../../functions/core/archive/media-source.ts';
import { mediaUrlProblem } from '../../../functions/core/domain/media-hosts.ts';

/** A server that records every request it gets and answers as `answer` says. */
async function recordingServer(answer: (path: string) => { status: number; location?: string }) {
  const hits: string[] = [];
  const server: Server = createServer((request, response) => {
    hits.push(request.url ?? '');
    const { status, location } = answer(request.url ?? '');
    response.writeHead(status, { ...(location && { location }), 'content-type': 'video/mp4' });
    response.end(status === 200 ? 'not really a video' : '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { hits, host, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let media: Awaited<ReturnType<typeof recordingServer>>;
let internal: Awaited<ReturnType<typeof recordingServer>>;
beforeAll(async () => {
  internal = await recordingServer(() => ({ status: 200 }));
  media = await recordingServer((path) =>
    path.startsWith('/hop/')
      ? { status: 302, location: `/hop/${Number(path.slice(5)) + 1}` }
      : path === '/to-internal'
        ? { status: 302, location: `http://${internal.host}/_local/archive-queue` }
        : path === '/relative'
          ? { status: 301, location: '/files/out.mp4' }
          : { status: 200 },
  );
});
afterAll(async () => {
  await media.close();
  await internal.close();
});

/** The archiver's rule with only the media server listed. */
const check = async (url: string) => {
  const problem = mediaUrlProblem(new URL(url), { hosts: [media.host], allowLocal: true });
  if (problem) throw new MediaRefusedError(url, problem);
};

describe('the archiver fetches only from media hosts, redirects included (M1)', () => {
  it('follows a redirect that stays on a media host', async () => {
    const opened = await openMedia(`http://${media.host}/relative`, { check });
    for await (const _ of opened.body) {
      // drain
    }
    expect(media.hits.slice(-2)).toEqual(['/relative', '/files/out.mp4']);
  });

  it('refuses a redirect to another host before sending anything there', async () => {
    const before = internal.hits.length;
    await expect(openMedia(`http://${media.host}/to-internal`, { check })).rejects.toThrow(MediaRefusedError);
    expect(internal.hits.length).toBe(before);
  });

  it('refuses a first URL off the list without fetching it', async () => {
    const before = internal.hits.length;
    await expect(openMedia(`http://${internal.host}/_local/archive-queue`, { check })).rejects.toThrow(
      MediaRefusedError,
    );
    expect(internal.hits.length).toBe(before);
  });

  it('gives up after five redirects', async () => {
    await expect(openMedia(`http://${media.host}/hop/0`, { check })).rejects.toThrow(
      /redirected more than 5/,
    );
    expect(media.hits.filter((path) => path.startsWith('/hop/'))).toHaveLength(6);
  });
});
