import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { VideoObject } from '../functions/core/domain/video-object.ts';
import type { Settings } from './config.ts';
import { adviceFor, CliError, EXIT, exitForStatus } from './errors.ts';

export type Video = VideoObject;
export interface VideoPage {
  data: Video[];
  has_more: boolean;
  last_id: string | null;
}
export type Variant = 'video' | 'thumbnail' | 'spritesheet';
export interface Sequence {
  id: string;
  object: 'sequence';
  status: Video['status'];
  progress: number;
  video_id: string;
  scenes: Array<{ index: number; status: Video['status'] }>;
}
export interface ModelInfo {
  id: string;
  title: string;
  seconds: string[];
  default_seconds: string;
  sizes: Array<{ size: string }>;
  default_size: string;
  options: string[];
}

export interface StyleInfo {
  id: string;
  title: string;
  description: string;
}
export interface Feedback {
  video_id: string;
  rating: number;
  visual_quality: number | null;
  prompt_adherence: number | null;
  consistency: number | null;
  narrative: number | null;
  comment: string | null;
}
export interface StatsSummary {
  jobs: number;
  completed: number;
  failed: number;
  success_rate: number | null;
  failures_by_code: Record<string, number>;
  time_to_completed_seconds: { p50: number | null; p90: number | null };
  ratings: { count: number; rating: number | null };
  spend: {
    estimated_usd: number;
    actual_usd: number;
    jobs_with_actual_cost: number;
    estimated_usd_of_jobs_with_actual_cost: number;
  };
}
export interface Stats {
  since: string;
  until: string;
  model: string | null;
  group_by: string | null;
  total: StatsSummary;
  groups?: Array<StatsSummary & { key: string }>;
}

/** An API error answer, kept with its code so a waiting loop can act on 429's Retry-After. */
export class ApiAnswerError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
  ) {
    const advice = adviceFor(code, retryAfter);
    super(
      exitForStatus(status),
      `${message}${advice ? ` ${advice[0]?.toUpperCase()}${advice.slice(1)}` : ''} (${code})`,
    );
  }
}

/** The Reelay API as the CLI uses it: JSON in and out, one-line errors with an exit code. */
export function createClient(
  settings: Pick<Settings, 'url' | 'apiKey'>,
  fetchImpl: typeof fetch = fetch,
  retryDelaysMs: readonly number[] = [1_000, 3_000],
) {
  async function send(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${settings.apiKey}`);
    try {
      return await fetchImpl(`${settings.url}${path}`, { ...init, headers, redirect: 'manual' });
    } catch (error) {
      throw new CliError(
        EXIT.unavailable,
        `Reelay at ${settings.url} did not answer: start it (npm start) or check REELAY_URL.`,
        { cause: error },
      );
    }
  }
  async function json<T>(path: string, init?: RequestInit): Promise<T> {
    const response = await send(path, init);
    const text = await response.text();
    let body: { error?: { code?: string; message?: string } } | undefined;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('retry-after')) || undefined;
      throw new ApiAnswerError(
        response.status,
        body?.error?.code ?? `http_${response.status}`,
        body?.error?.message ?? `Reelay answered ${response.status}.`,
        retryAfter,
      );
    }
    if (body === undefined) {
      throw new CliError(
        EXIT.unavailable,
        `${settings.url} answered ${response.status} without JSON: is REELAY_URL a Reelay?`,
      );
    }
    return body as T;
  }
  const video = (id: string) => `/v1/videos/${encodeURIComponent(id)}`;
  /**
   * JSON, or multipart when an image file is given. A network error or a 5xx is sent again with the
   * same idempotency key: the answer is the video the first attempt may already have made, never a second.
   */
  async function makeAt<T>(
    path: string,
    fields: Record<string, unknown>,
    image: (Blob & { name?: string }) | undefined,
    idempotencyKey: string,
  ): Promise<T> {
    const headers: Record<string, string> = { 'idempotency-key': idempotencyKey };
    let body: string | FormData;
    if (image) {
      body = new FormData();
      // multipart is text: a list (fallback_models) goes comma-separated, as the API reads it
      for (const [name, value] of Object.entries(fields)) body.append(name, String(value));
      body.append('input_reference', image, image.name ?? 'image');
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(fields);
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await json<T>(path, { method: 'POST', headers, body });
      } catch (error) {
        const delay = retryDelaysMs[attempt];
        if (!(error instanceof CliError) || error.exit !== EXIT.unavailable || delay === undefined)
          throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  return {
    models: () => json<{ data: ModelInfo[] }>('/v1/models'),
    list: (query: { limit?: number; after?: string }) => {
      const params = new URLSearchParams();
      if (query.limit) params.set('limit', String(query.limit));
      if (query.after) params.set('after', query.after);
      return json<VideoPage>(`/v1/videos${params.size ? `?${params}` : ''}`);
    },
    get: (id: string) => json<Video>(video(id)),
    styles: () => json<{ data: StyleInfo[] }>('/v1/styles'),
    /** Replaces this key's feedback on a video (criteria not sent are cleared). */
    rate: (id: string, feedback: Record<string, string | number>) =>
      json<Feedback>(`${video(id)}/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(feedback),
      }),
    stats: (query: Record<string, string | undefined>) => {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(query)) if (value) params.set(name, value);
      return json<Stats>(`/v1/stats${params.size ? `?${params}` : ''}`);
    },
    remove: (id: string) => json<{ id: string; deleted: true }>(video(id), { method: 'DELETE' }),
    create: (
      fields: Record<string, string | number | boolean | string[]>,
      image: (Blob & { name?: string }) | undefined,
      idempotencyKey: string,
    ) => makeAt<Video>('/v1/videos', fields, image, idempotencyKey),
    /** A video made from another: its continuation (`/v1/videos/extensions`) or an edit (`/v1/videos/edits`). */
    derive: (kind: 'extensions' | 'edits', fields: Record<string, unknown>, idempotencyKey: string) =>
      makeAt<Video>(`/v1/videos/${kind}`, fields, undefined, idempotencyKey),
    /** Scenes made into one video (`/v1/sequences`): answers the sequence, whose `video_id` is the video. */
    sequence: (fields: Record<string, unknown>, idempotencyKey: string) =>
      makeAt<Sequence>('/v1/sequences', fields, undefined, idempotencyKey),
    /**
     * Streams the MP4 (or its thumbnail or spritesheet) to `out`, through a .part file so a broken
     * download leaves no half file; `out` may depend on the content type the storage answers.
     */
    async download(
      id: string,
      out: string | ((contentType: string) => string),
      variant: Variant = 'video',
    ): Promise<{ bytes: number; file: string }> {
      const link = await json<{ url: string }>(`${video(id)}/content?redirect=false&variant=${variant}`);
      let response: Response;
      try {
        response = await fetchImpl(link.url);
      } catch (error) {
        throw new CliError(EXIT.unavailable, `the video's storage did not answer: try again.`, {
          cause: error,
        });
      }
      if (!response.ok || !response.body) {
        throw new CliError(EXIT.unavailable, `the video's storage answered ${response.status}: try again.`);
      }
      const file = typeof out === 'string' ? out : out(response.headers.get('content-type') ?? '');
      const part = `${file}.part`;
      let bytes = 0;
      try {
        const counted = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>).on(
          'data',
          (chunk: Buffer) => {
            bytes += chunk.length;
          },
        );
        await pipeline(counted, createWriteStream(part));
        await rename(part, file);
      } catch (error) {
        await rm(part, { force: true });
        throw new CliError(
          EXIT.unavailable,
          `the download of ${id} broke off (${String(error)}): try again.`,
          {
            cause: error,
          },
        );
      }
      return { bytes, file };
    },
  };
}

export type Client = ReturnType<typeof createClient>;
