import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { formatDuration, statusLine, timing } from '../functions/api/web/studio/time.js';
import { ApiAnswerError, type Client, type StatsSummary, type Variant, type Video } from './client.ts';
import { CliError, EXIT } from './errors.ts';
import type { ProgressReporter } from './progress.ts';

export interface Io {
  out(text: string): void;
  json: boolean;
  reporter: ProgressReporter;
  pollSeconds: number;
  /** Aborted on Ctrl-C: a wait stops and says how to pick the video up again. */
  signal: AbortSignal;
}

const isActive = (video: Video) => video.status === 'queued' || video.status === 'in_progress';
const IMAGE_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
};

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Polls until the video ends, showing progress; a 429 waits as long as Retry-After says. */
export async function waitFor(client: Client, first: Video, io: Io): Promise<Video> {
  let video = first;
  try {
    while (isActive(video)) {
      io.reporter.update(video, Date.now());
      let pause = io.pollSeconds * 1000;
      await sleep(pause, io.signal);
      try {
        video = await client.get(video.id);
      } catch (error) {
        if (!(error instanceof ApiAnswerError) || error.status !== 429) throw error;
        pause = (error.retryAfter ?? 5) * 1000;
        await sleep(pause, io.signal);
      }
    }
    io.reporter.update(video, Date.now());
  } catch (error) {
    if (io.signal.aborted) {
      throw new CliError(
        EXIT.interrupted,
        `stopped waiting; ${video.id} keeps running: reelay get ${video.id}`,
      );
    }
    throw error;
  } finally {
    io.reporter.stop();
  }
  return video;
}

function failedError(video: Video): CliError {
  const code = video.error?.code ?? 'failed';
  const advice =
    code === 'content_policy_violation'
      ? ' Change the prompt or image and try again.'
      : code === 'cancelled'
        ? ''
        : ' Try again, or another model with --model.';
  return new CliError(
    EXIT.videoFailed,
    `${video.id} failed: ${video.error?.message ?? 'no reason given'}.${advice} (${code})`,
  );
}

async function readImage(path: string): Promise<Blob & { name: string }> {
  const type = IMAGE_TYPES[extname(path).toLowerCase()];
  if (!type)
    throw new CliError(EXIT.usage, `--image ${path}: use a .png, .jpg or .webp file, or an https:// URL.`);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    throw new CliError(
      EXIT.usage,
      `--image ${path}: no such file; give a path to a .png, .jpg or .webp, or a URL.`,
    );
  }
  return new File([new Uint8Array(bytes)], basename(path), { type });
}

export interface CreateOptions {
  model?: string;
  seconds?: string;
  size?: string;
  image?: string;
  seed?: string;
  audio?: boolean;
  style?: string;
  enhance?: boolean;
  fallbacks?: string[];
  wait: boolean;
  out?: string;
}

export async function create(client: Client, io: Io, prompt: string, options: CreateOptions): Promise<void> {
  const fields: Record<string, string | number | boolean | string[]> = { prompt };
  if (options.model) fields.model = options.model;
  if (options.seconds) fields.seconds = options.seconds;
  if (options.size) fields.size = options.size;
  if (options.seed !== undefined) fields.seed = options.seed;
  if (options.audio === false) fields.generate_audio = false;
  if (options.style) fields.style = options.style;
  if (options.enhance) fields.enhance_prompt = true;
  if (options.fallbacks?.length) fields.fallback_models = options.fallbacks;
  const isUrl = options.image !== undefined && /^https?:\/\//i.test(options.image);
  if (isUrl) fields.image_url = options.image as string;
  const image = options.image && !isUrl ? await readImage(options.image) : undefined;

  await follow(client, io, await client.create(fields, image, randomUUID()), options);
}

/** After a create: the id and how to follow it, or (with --wait or --out) the wait, then the file. */
async function follow(
  client: Client,
  io: Io,
  made: Video,
  options: { wait: boolean; out?: string },
): Promise<void> {
  let video = made;
  if (!options.wait && !options.out) {
    io.out(
      io.json
        ? JSON.stringify(video, null, 2)
        : `${video.id} ${statusLine(video).toLowerCase()} · follow it with: reelay get ${video.id}`,
    );
    return;
  }
  video = await waitFor(client, video, io);
  if (video.status === 'failed') {
    if (io.json) io.out(JSON.stringify(video, null, 2));
    throw failedError(video);
  }
  const took = video.completed_at ? ` in ${formatDuration(video.completed_at - video.created_at)}` : '';
  if (options.out) {
    const { bytes } = await client.download(video.id, options.out);
    if (!io.json)
      io.out(`${video.id} completed${took}; saved ${options.out} (${(bytes / 1e6).toFixed(1)} MB)`);
  } else if (!io.json) io.out(`${video.id} completed${took}; save it with: reelay download ${video.id}`);
  if (io.json) io.out(JSON.stringify(video, null, 2));
}

export interface DeriveOptions {
  seconds?: string;
  model?: string;
  wait: boolean;
  out?: string;
}

/**
 * A new video from a completed one: its continuation (`extend`: the source's length plus
 * `--seconds`) or an edit by a prompt (`edit`: Sora remixes a kept Sora video, an edit model the rest).
 */
export async function derive(
  client: Client,
  io: Io,
  how: 'extend' | 'edit',
  id: string,
  prompt: string,
  options: DeriveOptions,
): Promise<void> {
  const fields =
    how === 'extend'
      ? { video: { id }, prompt, ...(options.seconds && { seconds: options.seconds }) }
      : { video: { id }, prompt, ...(options.model && { model: options.model }) };
  const made = await client.derive(how === 'extend' ? 'extensions' : 'edits', fields, randomUUID());
  await follow(client, io, made, options);
}

export interface SequenceOptions {
  model?: string;
  seconds?: string;
  size?: string;
  style?: string;
  continuity: boolean;
  wait: boolean;
  out?: string;
}

/** One video of several scenes, each a prompt; with --continuity each starts from the last frame of the one before. */
export async function sequence(
  client: Client,
  io: Io,
  scenes: string[],
  options: SequenceOptions,
): Promise<void> {
  const made = await client.sequence(
    {
      scenes: scenes.map((prompt) => ({ prompt, ...(options.seconds && { seconds: options.seconds }) })),
      ...(options.model && { model: options.model }),
      ...(options.size && { size: options.size }),
      ...(options.style && { style: options.style }),
      ...(options.continuity && { continuity: true }),
    },
    randomUUID(),
  );
  if (!options.wait && !options.out) {
    io.out(
      io.json
        ? JSON.stringify(made, null, 2)
        : `${made.id} · ${made.scenes.length} scenes as ${made.video_id} · follow it with: reelay get ${made.video_id}`,
    );
    return;
  }
  await follow(client, io, await client.get(made.video_id), options);
}

/** What fal billed once the video ended, else the estimate. */
export function cost(video: Video): string {
  const estimate = `$${video.estimated_cost_usd.toFixed(2)}`;
  if (video.cost_basis === 'not_billed') return 'not billed';
  if (video.cost_basis === 'actual' && video.cost_usd !== null) {
    return `$${video.cost_usd.toFixed(2)} billed (estimated ${estimate})`;
  }
  return `about ${estimate} (estimated)`;
}

function describe(video: Video): string {
  const lines = [
    `${video.id}  ${statusLine(video)}`,
    `  prompt   ${video.prompt}`,
    `  model    ${video.model} · ${video.seconds} s · ${video.size}`,
    `  created  ${new Date(video.created_at * 1000).toISOString()}`,
  ];
  if (video.style) lines.push(`  style    ${video.style}`);
  if (video.prompt_enhancement) {
    lines.push(
      video.enhanced_prompt
        ? `  enhanced ${video.enhanced_prompt}`
        : `  enhanced no: ${video.prompt_enhancement.reason ?? video.prompt_enhancement.status}`,
    );
  }
  if (video.fallback_models) lines.push(`  fallback ${video.fallback_models.join(', ')}`);
  lines.push(`  cost     ${cost(video)}`);
  if (isActive(video)) lines.push(`  progress ${video.progress} % · ${timing(video, Date.now())}`);
  if (video.error) lines.push(`  error    ${video.error.message} (${video.error.code})`);
  if (video.status === 'completed') lines.push(`  download reelay download ${video.id}`);
  return lines.join('\n');
}

export async function get(client: Client, io: Io, id: string): Promise<void> {
  const video = await client.get(id);
  io.out(io.json ? JSON.stringify(video, null, 2) : describe(video));
}

export async function list(client: Client, io: Io, query: { limit?: number; after?: string }): Promise<void> {
  const page = await client.list(query);
  if (io.json) return io.out(JSON.stringify(page, null, 2));
  if (page.data.length === 0) return io.out('No videos yet: reelay create "a fox in the snow" --wait');
  for (const v of page.data) {
    const prompt = v.prompt.length > 48 ? `${v.prompt.slice(0, 47)}…` : v.prompt;
    io.out(
      `${v.id}  ${v.status.padEnd(11)} ${String(v.progress).padStart(3)} %  ${v.model}  ${v.seconds} s  ${v.size}  ${prompt}`,
    );
  }
  if (page.has_more) io.out(`More: reelay list --after ${page.last_id}`);
}

const IMAGE_EXTENSIONS: Readonly<Record<string, string>> = {
  'image/png': '.png',
  'image/webp': '.webp',
  'image/jpeg': '.jpg',
};

/** The file a download goes to by default: the video's id, and the extension of what was served. */
const defaultFile = (id: string, variant: Variant) =>
  variant === 'video'
    ? `${id}.mp4`
    : (contentType: string) =>
        `${id}-${variant}${IMAGE_EXTENSIONS[contentType.split(';')[0]?.trim() ?? ''] ?? '.img'}`;

export async function download(
  client: Client,
  io: Io,
  id: string,
  out?: string,
  variant: Variant = 'video',
): Promise<void> {
  const video = await client.get(id);
  if (video.status === 'failed') throw failedError(video);
  if (isActive(video)) {
    throw new CliError(
      EXIT.refused,
      `${id} is not ready (${video.progress} %): wait for it with reelay get ${id}, then download.`,
    );
  }
  const { bytes, file } = await client.download(id, out ?? defaultFile(id, variant), variant);
  io.out(
    io.json
      ? JSON.stringify({ id, variant, file, bytes })
      : `saved ${file} (${variant === 'video' ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} KB`})`,
  );
}

export async function remove(client: Client, io: Io, id: string): Promise<void> {
  await client.remove(id);
  io.out(io.json ? JSON.stringify({ id, deleted: true }) : `deleted ${id}`);
}

/** Deletes a video that is still running; one that already ended is left alone (delete removes it). */
export async function cancel(client: Client, io: Io, id: string): Promise<void> {
  const video = await client.get(id);
  if (!isActive(video)) {
    throw new CliError(
      EXIT.refused,
      `${id} already ${video.status}: nothing to cancel; remove it with reelay delete ${id}.`,
    );
  }
  await client.remove(id);
  io.out(io.json ? JSON.stringify({ id, cancelled: true }) : `cancelled ${id}`);
}

export async function models(client: Client, io: Io): Promise<void> {
  const { data } = await client.models();
  if (io.json) return io.out(JSON.stringify(data, null, 2));
  for (const m of data) {
    io.out(`${m.id}  ${m.title}`);
    io.out(
      `  --seconds ${m.seconds.join('|')} (default ${m.default_seconds})  --size ${m.sizes.map((s) => s.size).join('|')} (default ${m.default_size})`,
    );
  }
}

export async function styles(client: Client, io: Io): Promise<void> {
  const { data } = await client.styles();
  if (io.json) return io.out(JSON.stringify(data, null, 2));
  for (const style of data) io.out(`${style.id.padEnd(16)} ${style.title}: ${style.description}`);
}

export interface Rating {
  rating: number;
  visual_quality?: number;
  prompt_adherence?: number;
  consistency?: number;
  narrative?: number;
  comment?: string;
}

/** Rates a completed video; rating it again replaces the key's earlier rating. */
export async function rate(client: Client, io: Io, id: string, rating: Rating): Promise<void> {
  const feedback = await client.rate(id, { ...rating });
  if (io.json) return io.out(JSON.stringify(feedback, null, 2));
  const criteria = (['visual_quality', 'prompt_adherence', 'consistency', 'narrative'] as const)
    .filter((c) => feedback[c] !== null)
    .map((c) => `${c.replace('_', ' ')} ${feedback[c]}`);
  io.out(`rated ${id}: ${[`${feedback.rating} of 5`, ...criteria].join(' · ')}`);
}

const percent = (rate: number | null) => (rate === null ? '-' : `${Math.round(rate * 100)} %`);
const secondsText = (s: number | null) => (s === null ? '-' : formatDuration(s));
const mean = (r: number | null) => (r === null ? '-' : r.toFixed(1));
/** What a group cost: fal's bill where it was recorded, the estimate for the rest. */
const spent = (s: StatsSummary) =>
  s.spend.actual_usd + s.spend.estimated_usd - s.spend.estimated_usd_of_jobs_with_actual_cost;

export async function stats(
  client: Client,
  io: Io,
  query: { group_by?: string; since?: string; until?: string; model?: string },
): Promise<void> {
  const answer = await client.stats(query);
  if (io.json) return io.out(JSON.stringify(answer, null, 2));
  const t = answer.total;
  io.out(`${answer.since} to ${answer.until}${answer.model ? ` · ${answer.model}` : ''}`);
  io.out(`  ended        ${t.jobs} (${t.completed} completed, ${t.failed} failed)`);
  io.out(`  success      ${percent(t.success_rate)}`);
  io.out(
    `  time         median ${secondsText(t.time_to_completed_seconds.p50)}, p90 ${secondsText(t.time_to_completed_seconds.p90)}`,
  );
  io.out(
    `  spend        $${t.spend.actual_usd.toFixed(2)} billed for ${t.spend.jobs_with_actual_cost} (estimated $${t.spend.estimated_usd_of_jobs_with_actual_cost.toFixed(2)}); $${t.spend.estimated_usd.toFixed(2)} estimated in all`,
  );
  io.out(
    `  rating       ${mean(t.ratings.rating)} of 5 (${t.ratings.count} rating${t.ratings.count === 1 ? '' : 's'})`,
  );
  const failures = Object.entries(t.failures_by_code);
  if (failures.length) io.out(`  failures     ${failures.map(([code, n]) => `${code} ${n}`).join(', ')}`);
  if (!answer.groups) return;
  const width = Math.max(answer.group_by?.length ?? 0, ...answer.groups.map((g) => g.key.length));
  io.out('');
  io.out(
    `${(answer.group_by ?? '').padEnd(width)}  ${'ended'.padStart(5)}  ${'success'.padStart(7)}  ${'median'.padStart(7)}  ${'spend'.padStart(8)}  rating`,
  );
  for (const g of answer.groups) {
    io.out(
      `${g.key.padEnd(width)}  ${String(g.jobs).padStart(5)}  ${percent(g.success_rate).padStart(7)}  ${secondsText(g.time_to_completed_seconds.p50).padStart(7)}  ${`$${spent(g).toFixed(2)}`.padStart(8)}  ${mean(g.ratings.rating)}`,
    );
  }
}
