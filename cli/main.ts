import { parseArgs } from 'node:util';
import { createClient } from './client.ts';
import * as commands from './commands.ts';
import { resolveSettings } from './config.ts';
import { CliError, EXIT, type ExitCode } from './errors.ts';
import { createReporter, progressMode } from './progress.ts';

const USAGE = `reelay: make videos with a Reelay server from the terminal

  reelay create "prompt" [--model M] [--seconds S] [--size WxH] [--image FILE|URL]
                         [--seed N] [--no-audio] [--style ID] [--enhance]
                         [--fallback M[,M…]] [--wait] [--out FILE] [--json]
  reelay list [--limit N] [--after ID] [--json]
  reelay get ID [--json]
  reelay extend ID "prompt" [--seconds S] [--wait] [--out FILE] [--json]
                            continue a completed video: a new video of both
  reelay edit ID "prompt" [--model M] [--wait] [--out FILE] [--json]
                            change a completed video by a prompt (Sora remixes its own)
  reelay sequence "scene" "scene" … [--model M] [--seconds S] [--size WxH] [--style ID]
                  [--continuity] [--wait] [--out FILE] [--json]
                            one video of 2 to 8 scenes, merged in order
  reelay download ID [--variant video|thumbnail|spritesheet] [--out FILE]
  reelay cancel ID          stop a running video (it is removed)
  reelay delete ID          remove a video and its file
  reelay models [--json]    the models and the seconds and sizes each offers
  reelay styles [--json]    the style presets for --style
  reelay rate ID 1-5 [--comment TEXT] [--visual-quality N] [--prompt-adherence N]
                     [--consistency N] [--narrative N] [--json]
                            rate a finished video (rating again replaces it)
  reelay stats [--group-by model|style|day] [--since DAY] [--until DAY] [--model M] [--json]
                            success rate, times, spend and ratings

Settings: --url / REELAY_URL, --key / REELAY_API_KEY, or {"url", "api_key"} in
--config FILE / $REELAY_CONFIG / ~/.config/reelay/config.json (in that order).
Exit codes: 0 ok, 2 usage, 3 no URL or key / key refused, 4 not found, 5 refused,
6 rate or budget limit, 7 Reelay or provider unavailable, 8 the video failed,
130 interrupted. See docs/cli.md.`;

const OPTIONS = {
  url: { type: 'string' },
  key: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  model: { type: 'string' },
  seconds: { type: 'string' },
  size: { type: 'string' },
  image: { type: 'string' },
  seed: { type: 'string' },
  'no-audio': { type: 'boolean', default: false },
  wait: { type: 'boolean', short: 'w', default: false },
  out: { type: 'string', short: 'o' },
  limit: { type: 'string' },
  after: { type: 'string' },
  style: { type: 'string' },
  enhance: { type: 'boolean', default: false },
  fallback: { type: 'string', multiple: true },
  comment: { type: 'string' },
  'visual-quality': { type: 'string' },
  'prompt-adherence': { type: 'string' },
  consistency: { type: 'string' },
  narrative: { type: 'string' },
  'group-by': { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  variant: { type: 'string' },
  continuity: { type: 'boolean', default: false },
} as const;

/** Which flags each command takes, beyond --url, --key, --config, --json and --help. */
const FLAGS: Readonly<Record<string, readonly string[]>> = {
  create: [
    'model',
    'seconds',
    'size',
    'image',
    'seed',
    'no-audio',
    'style',
    'enhance',
    'fallback',
    'wait',
    'out',
  ],
  list: ['limit', 'after'],
  get: [],
  download: ['out', 'variant'],
  extend: ['seconds', 'wait', 'out'],
  edit: ['model', 'wait', 'out'],
  sequence: ['model', 'seconds', 'size', 'style', 'continuity', 'wait', 'out'],
  cancel: [],
  delete: [],
  models: [],
  styles: [],
  rate: ['comment', 'visual-quality', 'prompt-adherence', 'consistency', 'narrative'],
  stats: ['group-by', 'since', 'until', 'model'],
};
const CRITERIA = ['visual-quality', 'prompt-adherence', 'consistency', 'narrative'] as const;
const GROUP_BY = ['model', 'style', 'day'];
const VARIANTS = ['video', 'thumbnail', 'spritesheet'] as const;

/** A 1–5 score from the command line, or a usage error naming where it came from. */
function score(value: string, what: string): number {
  const n = Number(value);
  if (!/^[1-5]$/.test(value.trim()) || !Number.isInteger(n))
    throw usage(`${what} is a whole number from 1 to 5`);
  return n;
}
const COMMON = new Set(['url', 'key', 'config', 'json', 'help']);

const usage = (message: string) => new CliError(EXIT.usage, `${message}; see reelay --help.`);

export interface Console {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Runs one command line and answers its exit code; every failure is one line on stderr. */
export async function run(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: Console,
  signal: AbortSignal,
): Promise<ExitCode> {
  try {
    let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
    try {
      parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (error) {
      throw usage(
        error instanceof Error ? (error.message.split('\n')[0] ?? 'bad arguments') : 'bad arguments',
      );
    }
    const { values, positionals } = parsed;
    const [command, ...rest] = positionals;
    if (values.help || !command) {
      io.stdout.write(`${USAGE}\n`);
      return values.help ? EXIT.ok : EXIT.usage;
    }
    const allowed = FLAGS[command];
    if (!allowed) throw usage(`unknown command ${command}`);
    for (const [flag, value] of Object.entries(values)) {
      if (value === undefined || value === false || COMMON.has(flag) || allowed.includes(flag)) continue;
      throw usage(`${command} does not take --${flag}`);
    }
    const noArguments = ['list', 'models', 'styles', 'stats'];
    const twoArguments = ['rate', 'extend', 'edit'];
    if (command === 'sequence') {
      if (rest.length < 2 || rest.length > 8)
        throw usage('sequence takes 2 to 8 scenes, each a prompt in quotes');
    } else {
      const expected = twoArguments.includes(command) ? 2 : noArguments.includes(command) ? 0 : 1;
      if (rest.length !== expected) {
        throw usage(
          command === 'create'
            ? 'create takes one prompt, in quotes'
            : command === 'rate'
              ? 'rate takes a video id and a rating from 1 to 5'
              : expected === 2
                ? `${command} takes a video id and a prompt, in quotes`
                : expected
                  ? `${command} takes one video id`
                  : `${command} takes no arguments`,
        );
      }
    }
    const variant = values.variant ?? 'video';
    if (!(VARIANTS as readonly string[]).includes(variant)) {
      throw usage(`--variant is one of ${VARIANTS.join(', ')}`);
    }
    const groupBy = values['group-by'];
    if (groupBy !== undefined && !GROUP_BY.includes(groupBy)) {
      throw usage(`--group-by is one of ${GROUP_BY.join(', ')}`);
    }
    const rating =
      command === 'rate'
        ? {
            rating: score(rest[1] as string, 'the rating'),
            ...Object.fromEntries(
              CRITERIA.filter((c) => values[c] !== undefined).map((c) => [
                c.replace('-', '_'),
                score(values[c] as string, `--${c}`),
              ]),
            ),
            ...(values.comment !== undefined && { comment: values.comment }),
          }
        : undefined;
    const fallbacks = values.fallback
      ?.flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean);
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 100)) {
      throw usage('--limit is a whole number from 1 to 100');
    }

    const settings = resolveSettings({ url: values.url, key: values.key, config: values.config }, env);
    const client = createClient(settings);
    const ctx: commands.Io = {
      out: (text) => io.stdout.write(`${text}\n`),
      json: values.json,
      reporter: createReporter(io.stderr, progressMode(io.stderr, values.json)),
      pollSeconds: settings.pollSeconds,
      signal,
    };
    const arg = rest[0] as string;
    switch (command) {
      case 'create':
        await commands.create(client, ctx, arg, {
          model: values.model,
          seconds: values.seconds,
          size: values.size,
          image: values.image,
          seed: values.seed,
          audio: values['no-audio'] ? false : undefined,
          style: values.style,
          enhance: values.enhance,
          fallbacks,
          wait: values.wait,
          out: values.out,
        });
        break;
      case 'list':
        await commands.list(client, ctx, { limit, after: values.after });
        break;
      case 'get':
        await commands.get(client, ctx, arg);
        break;
      case 'download':
        await commands.download(client, ctx, arg, values.out, variant as (typeof VARIANTS)[number]);
        break;
      case 'extend':
      case 'edit':
        await commands.derive(client, ctx, command, arg, rest[1] as string, {
          seconds: values.seconds,
          model: values.model,
          wait: values.wait,
          out: values.out,
        });
        break;
      case 'sequence':
        await commands.sequence(client, ctx, rest, {
          model: values.model,
          seconds: values.seconds,
          size: values.size,
          style: values.style,
          continuity: values.continuity,
          wait: values.wait,
          out: values.out,
        });
        break;
      case 'cancel':
        await commands.cancel(client, ctx, arg);
        break;
      case 'delete':
        await commands.remove(client, ctx, arg);
        break;
      case 'models':
        await commands.models(client, ctx);
        break;
      case 'styles':
        await commands.styles(client, ctx);
        break;
      case 'rate':
        await commands.rate(client, ctx, arg, rating as commands.Rating);
        break;
      case 'stats':
        await commands.stats(client, ctx, {
          group_by: groupBy,
          since: values.since,
          until: values.until,
          model: values.model,
        });
        break;
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`reelay: ${error.message}\n`);
      return error.exit;
    }
    io.stderr.write(`reelay: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    return EXIT.unexpected;
  }
}
