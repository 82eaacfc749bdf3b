import { describe, expect, it } from 'vitest';
import { createClient } from '../../cli/client.ts';
import { EXIT } from '../../cli/errors.ts';

const settings = { url: 'http://reelay.test', apiKey: 'rly_test' };
const video = { id: 'video_1', object: 'video', status: 'queued' };

/** A fetch that answers from a script, one entry per call, and records what it was sent. */
function scripted(answers: Array<() => Response>) {
  const sent: Array<{ url: string; key: string | null }> = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({ url: String(input), key: new Headers(init?.headers).get('idempotency-key') });
    const next = answers[sent.length - 1];
    if (!next) throw new Error('no more answers');
    return next();
  }) as typeof fetch;
  return { fetchImpl, sent };
}
const down = () => {
  throw new TypeError('fetch failed');
};
const json = (status: number, body: unknown) => () =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('the CLI client', () => {
  it('sends a create again with the same idempotency key after a network error or a 5xx', async () => {
    const { fetchImpl, sent } = scripted([
      down,
      json(503, { error: { code: 'x', message: 'busy' } }),
      json(200, video),
    ]);
    const client = createClient(settings, fetchImpl, [0, 0]);
    expect(await client.create({ prompt: 'a fox' }, undefined, 'key-1')).toEqual(video);
    expect(sent.map((s) => s.key)).toEqual(['key-1', 'key-1', 'key-1']);
  });

  it('gives up after its retries, with exit 7', async () => {
    const { fetchImpl, sent } = scripted([down, down, down]);
    const client = createClient(settings, fetchImpl, [0, 0]);
    await expect(client.create({ prompt: 'a fox' }, undefined, 'key-2')).rejects.toMatchObject({
      exit: EXIT.unavailable,
    });
    expect(sent).toHaveLength(3);
  });

  it('does not send a refused create again', async () => {
    const { fetchImpl, sent } = scripted([json(400, { error: { code: 'invalid_request', message: 'no' } })]);
    const client = createClient(settings, fetchImpl, [0, 0]);
    await expect(client.create({ prompt: '' }, undefined, 'key-3')).rejects.toMatchObject({
      exit: EXIT.refused,
    });
    expect(sent).toHaveLength(1);
  });
});
