import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaRefusedError, openMedia } from '../../../functions/core/archive/media-source.ts';
import { mediaUrlProblem } from '../../../functions/core/domain/media-hosts.ts';
import { guardedLookup } from '../../../functions/core/net/url-guard.ts';

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

describe('the archiver connects only to addresses it vetted (no DNS rebinding)', () => {
  /** Resolves every name to loopback, as a rebinding attacker's DNS would on the second question. */
  const toLoopback = async () => ['127.0.0.1'];
  const byName = async (url: string) => {
    const problem = mediaUrlProblem(new URL(url), { hosts: ['*.fal.media'], allowLocal: true });
    if (problem) throw new MediaRefusedError(url, problem);
  };
  const port = () => internal.host.split(':')[1];

  it('refuses a media host whose name resolves to a private address, sending nothing', async () => {
    const before = internal.hits.length;
    const lookup = guardedLookup({ allowLocal: false }, toLoopback);
    const check = async (url: string) => {
      const problem = mediaUrlProblem(new URL(url), { hosts: [`v3.fal.media:${port()}`], allowLocal: true });
      if (problem) throw new MediaRefusedError(url, problem);
    };
    await expect(openMedia(`http://v3.fal.media:${port()}/files/x.mp4`, { check, lookup })).rejects.toThrow(
      MediaRefusedError,
    );
    expect(internal.hits.length).toBe(before);
  });

  it('connects to the address it vetted', async () => {
    const lookup = guardedLookup({ allowLocal: true }, toLoopback);
    const check = async (url: string) => {
      const problem = mediaUrlProblem(new URL(url), { hosts: [`v3.fal.media:${port()}`], allowLocal: true });
      if (problem) throw new MediaRefusedError(url, problem);
    };
    const opened = await openMedia(`http://v3.fal.media:${port()}/files/x.mp4`, { check, lookup });
    let bytes = 0;
    for await (const chunk of opened.body) bytes += (chunk as Buffer).length;
    expect(bytes).toBe('not really a video'.length);
    expect(internal.hits.at(-1)).toBe('/files/x.mp4');
    // the wildcard rule alone is not enough for another port
    await expect(openMedia(`http://v3.fal.media:${port()}/x.mp4`, { check: byName, lookup })).rejects.toThrow(
      MediaRefusedError,
    );
  });
});
