import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/errors.ts';
import { readMp4Header } from '../../dev/fal-emulator/index.ts';
import { falRequestsOf, falSubmits } from '../support/fal-requests.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';
import { runCli } from './run-cli.ts';

let stack: TestStack;
let dir: string;
let env: Record<string, string>;
const PNG_MAGIC = '89504e470d0a1a0a';

beforeAll(async () => {
  // thumbnails drawn at archive time, as in production
  stack = await startTestStack({ env: { REELAY_THUMBNAILS: 'true' } });
  dir = mkdtempSync(join(tmpdir(), 'reelay-cli-derived-'));
  env = { REELAY_URL: stack.url, REELAY_API_KEY: stack.apiKey, REELAY_POLL_SECONDS: '0.1' };
});
afterAll(async () => {
  await stack.close();
  rmSync(dir, { recursive: true, force: true });
});

const idOf = (stdout: string) => /^(video_\w+)/.exec(stdout)?.[1] as string;

describe('reelay extend, edit, sequence and download --variant', () => {
  it('extends a video twice, each new video as long as both, saved as a playable MP4', async () => {
    const first = await runCli(['create', 'a fox in the snow', '--seconds', '4', '--wait'], env);
    expect(first.code).toBe(EXIT.ok);
    const source = idOf(first.stdout);

    const once = join(dir, 'once.mp4');
    const extended = await runCli(
      ['extend', source, 'the fox runs on', '--seconds', '4', '--out', once],
      env,
    );
    expect(extended.code).toBe(EXIT.ok);
    expect(readMp4Header(readFileSync(once)).durationSeconds).toBe(8);

    const twice = join(dir, 'twice.mp4');
    const again = await runCli(
      ['extend', idOf(extended.stdout), 'into the forest', '--seconds', '4', '--out', twice],
      env,
    );
    expect(again.code, again.stderr).toBe(EXIT.ok);
    expect(readMp4Header(readFileSync(twice)).durationSeconds).toBe(12);
    const video = await (await stack.api(`/v1/videos/${idOf(again.stdout)}`)).json();
    expect(video).toMatchObject({ status: 'completed', extended_from_video_id: idOf(extended.stdout) });
  });

  it('edits a video by a prompt, naming its source', async () => {
    const first = await runCli(['create', 'a heron', '--seconds', '5', '--size', '1280x720', '--wait'], env);
    const source = idOf(first.stdout);
    const result = await runCli(['edit', source, 'the heron in the rain', '--wait', '--json'], env);
    expect(result.code).toBe(EXIT.ok);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: 'completed',
      remixed_from_video_id: source,
    });
  });

  it('makes a three-scene sequence with continuity, each scene after the one before', async () => {
    const out = join(dir, 'story.mp4');
    const result = await runCli(
      [
        'sequence',
        'a lighthouse at dusk',
        'the beam sweeps the sea',
        'a ship answers',
        '--seconds',
        '4',
        '--continuity',
        '--out',
        out,
      ],
      env,
    );
    expect(result.code).toBe(EXIT.ok);
    expect(readMp4Header(readFileSync(out)).durationSeconds).toBe(12);
    const id = idOf(result.stdout);
    // two frames taken between the scenes, one merge
    const endpoints = falRequestsOf(stack, id).map((request) => request.endpointId);
    expect(endpoints.filter((e) => e === 'fal-ai/ffmpeg-api/extract-frame')).toHaveLength(2);
    expect(endpoints.filter((e) => e === 'fal-ai/ffmpeg-api/merge-videos')).toHaveLength(1);
  });

  it('downloads the thumbnail as the image it is, and says when a variant does not exist', async () => {
    const first = await runCli(['create', 'a kite', '--seconds', '4', '--wait'], env);
    const id = idOf(first.stdout);
    await stack.waitForEnd(id);
    const result = await runCli(['download', id, '--variant', 'thumbnail', '--json'], env, dir);
    expect(result.code).toBe(EXIT.ok);
    const saved = JSON.parse(result.stdout) as { file: string; bytes: number };
    expect(saved.file).toBe(`${id}-thumbnail.png`);
    try {
      const bytes = readFileSync(join(dir, saved.file));
      expect(bytes.length).toBe(saved.bytes);
      expect(bytes.subarray(0, 8).toString('hex')).toBe(PNG_MAGIC);
    } finally {
      rmSync(join(dir, saved.file), { force: true });
    }
    // a model without a spritesheet: not found, one line, nothing written
    const missing = await runCli(['download', id, '--variant', 'spritesheet'], env);
    expect(missing.code).toBe(EXIT.notFound);
    expect(missing.stderr).toMatch(/^reelay: .*spritesheet/);
  });

  it('refuses bad arguments before any request', async () => {
    const before = falSubmits(stack);
    for (const args of [
      ['sequence', 'only one scene'],
      ['extend', 'video_x'],
      ['sequence', ...Array.from({ length: 9 }, (_, i) => `scene ${i}`)],
      ['download', 'video_x', '--variant', 'gif'],
      ['edit', 'video_x', 'p', '--seconds', '4'],
    ]) {
      const result = await runCli(args, env);
      expect(result.code, args.join(' ')).toBe(EXIT.usage);
    }
    expect(falSubmits(stack)).toBe(before);
  });
});
