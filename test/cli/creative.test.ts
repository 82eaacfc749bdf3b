import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/errors.ts';
import { OTHER_KEY } from '../support/other-tenant.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';
import { runCli } from './run-cli.ts';

let stack: TestStack;
let env: Record<string, string>;

beforeAll(async () => {
  // fal's billable units priced, as on AWS: a finished video shows what it cost
  stack = await startTestStack({ emulator: { generationMs: 500 }, env: { REELAY_ACTUAL_COST: 'fal' } });
  env = { REELAY_URL: stack.url, REELAY_API_KEY: stack.apiKey, REELAY_POLL_SECONDS: '0.2' };
});
afterAll(async () => {
  await stack?.close();
});

const oneLine = (stderr: string) => {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^reelay: /);
  return lines[0] as string;
};

/** How many jobs the tenant has: a refused command must not change it. */
const jobCount = async () =>
  (await stack.deps.jobs.listByTenant('local', { limit: 100, order: 'desc' })).jobs.length;

describe('reelay create --style --enhance --fallback, styles, get', () => {
  it('creates with a style, an enhanced prompt and fallback models, and get shows them with the cost', async () => {
    const models = (await (await stack.api('/v1/models')).json()) as { data: Array<{ id: string }> };
    const [, second, third] = models.data.map((m) => m.id) as [string, string, string];
    const result = await runCli(
      [
        'create',
        'a dog in a park',
        '--style',
        'anime',
        '--enhance',
        '--fallback',
        `${second}, ${third}`,
        '--json',
      ],
      env,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(EXIT.ok);
    const video = JSON.parse(result.stdout);
    expect(video).toMatchObject({
      prompt: 'a dog in a park',
      style: 'anime',
      prompt_enhancement: { status: 'enhanced' },
      fallback_models: [second, third],
    });
    expect(video.final_prompt).toMatch(/^a dog in a park, .+ Vibrant anime style: /);

    // --fallback repeated is the same list
    const repeated = await runCli(
      ['create', 'a cat', '--fallback', second, '--fallback', third, '--json'],
      env,
    );
    expect(JSON.parse(repeated.stdout).fallback_models).toEqual([second, third]);

    await stack.settle(video.id);
    const get = await runCli(['get', video.id], env);
    expect(get.code).toBe(EXIT.ok);
    expect(get.stdout).toMatch(/^ {2}style {4}anime$/m);
    expect(get.stdout).toContain(`  enhanced ${video.enhanced_prompt}`);
    expect(get.stdout).toContain(`  fallback ${second}, ${third}`);
    const billed = (await (await stack.api(`/v1/videos/${video.id}`)).json()) as { cost_usd: number };
    expect(get.stdout).toMatch(
      new RegExp(
        `^ {2}cost {5}\\$${billed.cost_usd.toFixed(2)} billed \\(estimated \\$\\d+\\.\\d\\d\\)$`,
        'm',
      ),
    );
    await stack.settle(JSON.parse(repeated.stdout).id);
  });

  it('refuses an unknown style with what to do, and creates nothing', async () => {
    const before = await jobCount();
    const result = await runCli(['create', 'a fox', '--style', 'no-such-style'], env);
    expect(result.code).toBe(EXIT.refused);
    expect(oneLine(result.stderr)).toMatch(/style/);
    expect(await jobCount()).toBe(before);
  });

  it('lists the styles', async () => {
    const result = await runCli(['styles'], env);
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toMatch(/^anime +Vibrant anime: .+$/m);
    const json = JSON.parse((await runCli(['styles', '--json'], env)).stdout);
    expect(json.map((s: { id: string }) => s.id)).toContain('film-noir');
  });
});

describe('reelay rate', () => {
  it('rates a finished video with criteria and a comment; rating again replaces it', async () => {
    const video = await stack.createVideo({ prompt: 'a lighthouse at night' });
    await stack.settle(video.id);
    const result = await runCli(
      ['rate', video.id, '4', '--visual-quality', '5', '--narrative', '3', '--comment', 'lovely light'],
      env,
    );
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({
      code: EXIT.ok,
      stdout: `rated ${video.id}: 4 of 5 · visual quality 5 · narrative 3\n`,
    });
    const feedback = async () => (await stack.api(`/v1/videos/${video.id}/feedback`)).json();
    expect(await feedback()).toMatchObject({
      rating: 4,
      visual_quality: 5,
      prompt_adherence: null,
      consistency: null,
      narrative: 3,
      comment: 'lovely light',
    });

    const again = await runCli(['rate', video.id, '2', '--json'], env);
    expect(again.code).toBe(EXIT.ok);
    expect(JSON.parse(again.stdout)).toMatchObject({ video_id: video.id, rating: 2, visual_quality: null });
    expect(await feedback()).toMatchObject({ rating: 2, visual_quality: null, comment: null });
  });

  it('says no in one line: a bad score before any request, a running video, another tenant', async () => {
    for (const args of [
      ['rate', 'video_x', '6'],
      ['rate', 'video_x', 'four'],
      ['rate', 'video_x', '4', '--consistency', '0'],
      ['rate', 'video_x'],
    ]) {
      const result = await runCli(args, { ...env, REELAY_URL: 'http://127.0.0.1:9' });
      expect(result.code, args.join(' ')).toBe(EXIT.usage);
      oneLine(result.stderr);
    }

    // its webhook never comes and no reconciler runs here: it stays in progress
    const running = await stack.createVideo({ prompt: 'a heron [fal:drop_webhook]' });
    const early = await runCli(['rate', running.id, '5'], env);
    expect(early.code).toBe(EXIT.refused);
    expect(oneLine(early.stderr)).toMatch(/\(video_not_ready\)$/);
    await runCli(['cancel', running.id], env);

    const done = await stack.createVideo({ prompt: 'a quiet harbour' });
    await stack.settle(done.id);
    const other = await runCli(['rate', done.id, '5'], { ...env, REELAY_API_KEY: OTHER_KEY });
    expect(other.code).toBe(EXIT.notFound);
    oneLine(other.stderr);
  });
});

describe('reelay stats', () => {
  it('prints the totals and one line per group, and --json is the API answer', async () => {
    const human = await runCli(['stats', '--group-by', 'style'], env);
    expect(human.stderr).toBe('');
    expect(human.code).toBe(EXIT.ok);
    const answer = (await (await stack.api('/v1/stats?group_by=style')).json()) as {
      total: { jobs: number; success_rate: number };
      groups: Array<{ key: string; jobs: number }>;
    };
    expect(answer.total.jobs).toBeGreaterThan(0);
    expect(human.stdout).toContain(`  ended        ${answer.total.jobs} (`);
    expect(human.stdout).toContain(`  success      ${Math.round(answer.total.success_rate * 100)} %`);
    expect(human.stdout).toMatch(/^style +ended +success +median +spend +rating$/m);
    for (const group of answer.groups) {
      expect(human.stdout).toMatch(new RegExp(`^${group.key} +${group.jobs} +\\d+ % `, 'm'));
    }
    expect(answer.groups.map((g) => g.key)).toEqual(expect.arrayContaining(['anime', 'none']));

    const json = await runCli(['stats', '--group-by', 'model', '--json'], env);
    expect(JSON.parse(json.stdout)).toEqual(await (await stack.api('/v1/stats?group_by=model')).json());
  });

  it('refuses a grouping it does not know, before any request', async () => {
    const result = await runCli(['stats', '--group-by', 'week'], {
      ...env,
      REELAY_URL: 'http://127.0.0.1:9',
    });
    expect(result.code).toBe(EXIT.usage);
    expect(oneLine(result.stderr)).toContain('model, style, day');
  });
});
