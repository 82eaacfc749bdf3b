import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/errors.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';
import { runCli } from './run-cli.ts';

let stack: TestStack;
let dir: string;
let env: Record<string, string>;
const OTHER_KEY = 'rly_other_tenant_key_000000';

beforeAll(async () => {
  // a generation long enough to be seen running, and quick polls
  stack = await startTestStack({ emulator: { generationMs: 1_500 } });
  dir = mkdtempSync(join(tmpdir(), 'reelay-cli-'));
  env = { REELAY_URL: stack.url, REELAY_API_KEY: stack.apiKey, REELAY_POLL_SECONDS: '0.2' };
});
afterAll(async () => {
  await stack.close();
  rmSync(dir, { recursive: true, force: true });
});

const oneLine = (stderr: string) => {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^reelay: /);
  return lines[0] as string;
};

describe('reelay create', () => {
  it('--wait --out shows progress line by line off a terminal and writes a playable MP4', async () => {
    const out = join(dir, 'fox.mp4');
    const result = await runCli(['create', 'a fox in the snow', '--wait', '--out', out], env);
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toMatch(/^video_\w+ completed in \d+ s; saved .*fox\.mp4 \(\d+\.\d MB\)\n$/);
    const progress = result.stderr.trimEnd().split('\n');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[0]).toMatch(
      /^video_\w+ (Queued|In progress, \d+ %).* · \d+ s elapsed · (about .+ left|finishing)/,
    );
    expect(progress.at(-1)).toMatch(/^video_\w+ Ready$/);
    expect(result.stderr).not.toContain('\u001b'); // no terminal codes in a log
    const mp4 = readFileSync(out);
    expect(mp4.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(mp4.includes(Buffer.from('moov'))).toBe(true);
  });

  it('--json prints the video object and nothing else on stdout', async () => {
    const result = await runCli(['create', 'a heron', '--seconds', '4', '--json'], env);
    expect(result.code).toBe(EXIT.ok);
    const video = JSON.parse(result.stdout);
    expect(video).toMatchObject({ object: 'video', prompt: 'a heron', seconds: '4' });
    expect(result.stderr).toBe('');
    await stack.settle(video.id);
  });

  it('uploads an image file with --image', async () => {
    const png = join(dir, 'start.png');
    // the emulator checks the bytes are an image: a 1×1 PNG
    writeFileSync(
      png,
      Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
        'base64',
      ),
    );
    const result = await runCli(['create', 'the picture comes alive', '--image', png, '--json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(EXIT.ok);
    const video = JSON.parse(result.stdout);
    const job = await stack.job(video.id);
    expect(job.falEndpoint).toMatch(/image-to-video/);
    await stack.settle(video.id);
  });

  it('exits 8 with the reason in one line when the video fails', async () => {
    const result = await runCli(['create', 'a scene [fal:content_policy_violation]', '--wait'], env);
    expect(result.code).toBe(EXIT.videoFailed);
    expect(result.stdout).toBe('');
    const progress = result.stderr.trimEnd().split('\n');
    expect(progress.at(-1)).toMatch(
      /^reelay: video_\w+ failed: .+ Change the prompt or image and try again\. \(content_policy_violation\)$/,
    );
  });

  it('exits 5 with what to do when the API refuses the request, and creates nothing', async () => {
    const before = (await stack.deps.jobs.listByTenant('local', { limit: 100, order: 'desc' })).jobs.length;
    const result = await runCli(['create', 'a fox', '--seconds', '999'], env);
    expect(result.code).toBe(EXIT.refused);
    expect(oneLine(result.stderr)).toMatch(/reelay models.*\(invalid_request\)$/);
    expect((await stack.deps.jobs.listByTenant('local', { limit: 100, order: 'desc' })).jobs.length).toBe(
      before,
    );
  });
});

describe('reelay list, get, download, cancel, delete', () => {
  it('finds, downloads and deletes a video; another tenant sees none of it', async () => {
    const video = await stack.createVideo({ prompt: 'a lighthouse at night' });
    await stack.settle(video.id);

    const list = await runCli(['list', '--limit', '5'], env);
    expect(list.code).toBe(EXIT.ok);
    expect(list.stdout).toMatch(
      new RegExp(`^${video.id}  completed\\s+100 %  .*a lighthouse at night$`, 'm'),
    );

    const get = await runCli(['get', video.id, '--json'], env);
    expect(JSON.parse(get.stdout)).toMatchObject({ id: video.id, status: 'completed' });

    const out = join(dir, 'lighthouse.mp4');
    const download = await runCli(['download', video.id, '--out', out], env);
    expect(download.code).toBe(EXIT.ok);
    expect(readFileSync(out).subarray(4, 8).toString('latin1')).toBe('ftyp');

    const other = { ...env, REELAY_API_KEY: OTHER_KEY };
    for (const args of [
      ['get', video.id],
      ['download', video.id, '--out', join(dir, 'x.mp4')],
      ['delete', video.id],
    ]) {
      const result = await runCli(args, other);
      expect(result.code, args.join(' ')).toBe(EXIT.notFound);
      oneLine(result.stderr);
    }
    expect((await runCli(['list', '--json'], other)).stdout).not.toContain(video.id);

    const cancel = await runCli(['cancel', video.id], env);
    expect(cancel.code).toBe(EXIT.refused);
    expect(oneLine(cancel.stderr)).toContain(`reelay delete ${video.id}`);

    const remove = await runCli(['delete', video.id], env);
    expect(remove).toMatchObject({ code: EXIT.ok, stdout: `deleted ${video.id}\n` });
    expect((await runCli(['get', video.id], env)).code).toBe(EXIT.notFound);
  });

  it('cancels a running video', async () => {
    // its webhook never comes and no reconciler runs here: it stays in progress until cancelled
    const video = await stack.createVideo({ prompt: 'a long take [fal:drop_webhook]' });
    await stack.waitForJob(video.id, ['submitted']);
    const cancel = await runCli(['cancel', video.id], env);
    expect(cancel).toMatchObject({ code: EXIT.ok, stdout: `cancelled ${video.id}\n` });
    expect((await stack.api(`/v1/videos/${video.id}`)).status).toBe(404);
  });
});

describe('settings and errors', () => {
  it('reads the URL and key from a config file when the environment has none', async () => {
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ url: stack.url, api_key: stack.apiKey }));
    const result = await runCli(['list', '--json'], { REELAY_CONFIG: file });
    expect(result.code).toBe(EXIT.ok);
    expect(JSON.parse(result.stdout).object).toBe('list');
    // a flag wins over the file
    const flagged = await runCli(['list', '--key', 'rly_not_a_key_at_all_0000000'], { REELAY_CONFIG: file });
    expect(flagged.code).toBe(EXIT.auth);
  });

  type Env = Record<string, string>;
  const without =
    (...names: string[]) =>
    (base: Env) =>
      Object.fromEntries(Object.entries(base).filter(([name]) => !names.includes(name)));
  const withValues = (values: Env) => (base: Env) => ({ ...base, ...values });
  it.each([
    ['no URL', ['list'], without('REELAY_URL'), EXIT.auth, /no Reelay URL: set REELAY_URL/],
    ['no key', ['list'], without('REELAY_API_KEY'), EXIT.auth, /no API key: set REELAY_API_KEY/],
    [
      'a refused key',
      ['list'],
      withValues({ REELAY_API_KEY: 'rly_wrong_key_0000000000000' }),
      EXIT.auth,
      /Check REELAY_API_KEY/,
    ],
    [
      'nothing listening',
      ['list'],
      withValues({ REELAY_URL: 'http://127.0.0.1:9' }),
      EXIT.unavailable,
      /did not answer: start it/,
    ],
    [
      'an unknown command',
      ['frobnicate'],
      withValues({}),
      EXIT.usage,
      /unknown command frobnicate; see reelay --help/,
    ],
    ['a missing id', ['get'], withValues({}), EXIT.usage, /get takes one video id/],
    ['a bad limit', ['list', '--limit', '0'], withValues({}), EXIT.usage, /--limit is a whole number/],
    ["another command's flag", ['list', '--wait'], withValues({}), EXIT.usage, /list does not take --wait/],
    [
      'an unknown video',
      ['get', 'video_019f6af7308800000000000000000000'],
      withValues({}),
      EXIT.notFound,
      /reelay list/,
    ],
    [
      'a missing image',
      ['create', 'x', '--image', '/nonexistent.png'],
      withValues({}),
      EXIT.usage,
      /no such file/,
    ],
  ] as const)(
    '%s: its exit code, in one line that says what to do',
    async (_, args, envFor, code, message) => {
      const result = await runCli([...args], envFor(env));
      expect(result.code).toBe(code);
      expect(oneLine(result.stderr)).toMatch(message);
    },
  );

  it('--help prints the usage with the exit codes and exits 0', async () => {
    const result = await runCli(['--help'], {});
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toContain('reelay create "prompt"');
    expect(result.stdout).toContain('Exit codes:');
  });
});
