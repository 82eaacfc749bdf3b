import type { BoundFaults } from './faults/schema.ts';
import type { FileStore } from './files.ts';
import { uuidv7 } from './ids.ts';
import { checkInputImages, type LocalFileReader } from './images.ts';
import { buildModelError } from './model-errors.ts';
import { appPathOf, findEndpoint, type ModelEndpoint } from './models/catalog.ts';
import { produceOutput } from './outputs.ts';
import type { Outcome, RequestRecord } from './types.ts';
import { checkInputVideos } from './videos.ts';
import { webhookBody } from './views.ts';
import { newWebhookState, type WebhookSender } from './webhooks.ts';

export interface QueueOptions {
  queueMs: number;
  generationMs: () => number;
  mediaTtlMs: number;
  paddingBytes: number;
  imageTimeoutMs: number;
  baseUrl: () => string;
  files: FileStore;
  webhooks: WebhookSender;
  readLocal: LocalFileReader;
  save: () => void;
  log: (line: string) => void;
}

export interface NewRequest {
  endpoint: ModelEndpoint;
  input: Record<string, unknown>;
  prompt: string;
  webhookUrl: string | null;
  faults: BoundFaults;
  startTimeoutMs: number | null;
  mediaTtlMs: number | null;
}

/** An ffmpeg-api tool takes about a second at fal, however long its models' generations take. */
const MEDIA_TOOL_MS = 500;

/** fal keeps results 1 hour; after that status and result answer 404 like an unknown id. */
export const RESULT_TTL_MS = 3_600_000;

/**
 * The request state machine: IN_QUEUE → IN_PROGRESS → COMPLETED on timers planned at submit
 * (so a restart resumes the same timeline); failures and cancellations are COMPLETED too.
 */
export class RequestQueue {
  readonly #options: QueueOptions;
  readonly #records = new Map<string, RequestRecord>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #closed = false;

  constructor(options: QueueOptions) {
    this.#options = options;
  }

  /** Restores persisted requests and re-arms their timers and pending webhooks. */
  load(records: readonly RequestRecord[]): void {
    for (const record of records) {
      this.#records.set(record.requestId, record);
      this.#schedule(record);
      if (record.status === 'COMPLETED') this.#options.webhooks.resume(record);
    }
  }

  all(): RequestRecord[] {
    return [...this.#records.values()];
  }

  get(requestId: string): RequestRecord | undefined {
    return this.#records.get(requestId);
  }

  /** What the queue API can still see (results expire after RESULT_TTL_MS). */
  visible(requestId: string, appPath: string, now = Date.now()): RequestRecord | undefined {
    const record = this.#records.get(requestId);
    if (!record || record.appPath !== appPath) return undefined;
    if (record.completedAt !== null && now - record.completedAt > RESULT_TTL_MS) return undefined;
    return record;
  }

  submit(request: NewRequest, now = Date.now()): RequestRecord {
    const startAt = now + this.#options.queueMs;
    const timeout = request.startTimeoutMs;
    const record: RequestRecord = {
      requestId: uuidv7(now),
      endpointId: request.endpoint.id,
      appPath: appPathOf(request.endpoint.id),
      input: request.input,
      prompt: request.prompt,
      webhookUrl: request.webhookUrl,
      submittedAt: now,
      startAt,
      completeAt:
        startAt +
        (request.endpoint.kind === 'media-tool'
          ? Math.min(MEDIA_TOOL_MS, this.#options.generationMs())
          : this.#options.generationMs()),
      startDeadline: timeout !== null && timeout < this.#options.queueMs ? now + timeout : null,
      startedAt: null,
      completedAt: null,
      status: 'IN_QUEUE',
      faults: request.faults,
      mediaTtlMs: request.mediaTtlMs ?? this.#options.mediaTtlMs,
      paddingBytes: this.#options.paddingBytes,
      outcome: null,
      webhook: null,
    };
    this.#records.set(record.requestId, record);
    this.#schedule(record);
    this.#options.save();
    return record;
  }

  /** Requests of the same app queued before this one (fal's queue_position, 0 = next). */
  position(record: RequestRecord): number {
    let ahead = 0;
    for (const other of this.#records.values()) {
      if (other === record) break;
      if (other.status === 'IN_QUEUE' && other.appPath === record.appPath) ahead += 1;
    }
    return ahead;
  }

  /** Generation with no waiting (before_submit_response); resolves after the first webhook round. */
  async runNow(record: RequestRecord): Promise<void> {
    this.#clear(record);
    await this.#start(record, true);
  }

  /**
   * A queued request is removed without ever reaching a runner (no webhook); a running one is stopped
   * by its runner and ends like any failed request (499 client_cancelled, ERROR webhook).
   */
  cancel(record: RequestRecord): 'CANCELLATION_REQUESTED' | 'ALREADY_COMPLETED' {
    if (record.status === 'COMPLETED') return 'ALREADY_COMPLETED';
    const error = buildModelError('client_cancelled', { prompt: record.prompt });
    void this.#end(record, { kind: 'cancelled', error }, record.status === 'IN_PROGRESS');
    return 'CANCELLATION_REQUESTED';
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  #clear(record: RequestRecord): void {
    clearTimeout(this.#timers.get(record.requestId));
    this.#timers.delete(record.requestId);
  }

  #at(record: RequestRecord, at: number, run: () => Promise<void>): void {
    this.#clear(record);
    const timer = setTimeout(
      () => {
        this.#timers.delete(record.requestId);
        run().catch((error: unknown) => this.#options.log(`request ${record.requestId}: ${String(error)}`));
      },
      Math.max(0, at - Date.now()),
    );
    this.#timers.set(record.requestId, timer);
  }

  #schedule(record: RequestRecord): void {
    if (this.#closed) return;
    if (record.status === 'IN_QUEUE') {
      const deadline = record.startDeadline;
      if (deadline !== null && deadline < record.startAt) {
        const error = buildModelError('startup_timeout', { prompt: record.prompt });
        this.#at(record, deadline, () => this.#end(record, { kind: 'error', error }));
      } else this.#at(record, record.startAt, () => this.#start(record, false));
    } else if (record.status === 'IN_PROGRESS') {
      this.#at(record, record.completeAt, () => this.#finish(record));
    }
  }

  async #start(record: RequestRecord, instant: boolean): Promise<void> {
    record.status = 'IN_PROGRESS';
    record.startedAt = Date.now();
    this.#options.save();
    const endpoint = findEndpoint(record.endpointId);
    const images = endpoint
      ? await checkInputImages(endpoint, record.input, record.prompt, {
          readLocal: this.#options.readLocal,
          timeoutMs: this.#options.imageTimeoutMs,
        })
      : null;
    // Cancelled or shut down while the images were downloading.
    if (record.status !== 'IN_PROGRESS' || this.#closed) return;
    if (images?.error) return this.#end(record, { kind: 'error', error: images.error });
    record.startFrame = images?.startFrame ?? null;
    const videos =
      endpoint && endpoint.videoFields.length > 0
        ? await checkInputVideos(endpoint, record.input, record.prompt, {
            readLocal: this.#options.readLocal,
            timeoutMs: this.#options.imageTimeoutMs,
          })
        : null;
    if (record.status !== 'IN_PROGRESS' || this.#closed) return;
    if (videos?.error) return this.#end(record, { kind: 'error', error: videos.error });
    record.inputClips = videos?.clips ?? null;
    if (instant) return this.#finish(record);
    this.#schedule(record);
  }

  #finish(record: RequestRecord): Promise<void> {
    const fault = record.faults.generation;
    if (fault !== null && fault !== 'payload_error') {
      const error = buildModelError(fault, {
        prompt: record.prompt,
        field: 'image_url',
        fieldValue: record.input.image_url ?? null,
      });
      return this.#end(record, { kind: 'error', error });
    }
    // the output follows the request and its input media (frame size, duration, a source video)
    const outcome = produceOutput(record, {
      files: this.#options.files,
      findSoraVideo: (videoId) =>
        this.all().find(
          (other) => other.outcome?.kind === 'ok' && other.outcome.fields?.video_id === videoId,
        ),
    });
    return this.#end(record, outcome);
  }

  #end(record: RequestRecord, outcome: Outcome, sendWebhook = true): Promise<void> {
    this.#clear(record);
    record.status = 'COMPLETED';
    record.completedAt = Date.now();
    record.outcome = outcome;
    const wanted = sendWebhook && record.webhookUrl !== null;
    if (wanted)
      record.webhook = newWebhookState(webhookBody(this.#options.baseUrl(), record, this.#options.files));
    this.#options.save();
    this.#options.log(`request ${record.requestId}: COMPLETED (${outcome.kind})`);
    return wanted ? this.#options.webhooks.start(record) : Promise.resolve();
  }
}
