import type { WebhookSigner } from './signer.ts';
import type { FalEmulatorStats, RequestRecord, WebhookAttempt, WebhookState } from './types.ts';

export interface WebhookSenderOptions {
  signer: WebhookSigner;
  userId: string;
  timeoutMs: number;
  retryDelaysMs: readonly number[];
  stats: FalEmulatorStats;
  save: () => void;
  log: (line: string) => void;
}

type AttemptResult = 'ok' | 'failed' | 'aborted';

/** The delivery log keeps this many attempts, the latest (a long `npm start` stays bounded). */
export const WEBHOOK_LOG_LIMIT = 1_000;

export function newWebhookState(body: string): WebhookState {
  return {
    body,
    attempts: 0,
    failures: 0,
    deliveries: 0,
    delivered: false,
    deliveredAt: null,
    dropped: false,
    givenUp: false,
    nextAttemptAt: null,
  };
}

/**
 * Delivers webhooks like fal: POST the fixed body, re-signed with a fresh timestamp on every attempt,
 * retried after non-2xx or network errors on the configured schedule, then given up.
 */
export class WebhookSender {
  readonly #options: WebhookSenderOptions;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #rounds = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  readonly #log: WebhookAttempt[] = [];

  constructor(options: WebhookSenderOptions) {
    this.#options = options;
  }

  /** First delivery for a request that just ended; resolves after the first round (used by before_submit_response). */
  start(record: RequestRecord): Promise<void> {
    const state = record.webhook;
    if (!state) return Promise.resolve();
    if (record.faults.webhook === 'drop') {
      state.dropped = true;
      this.#options.log(`webhook ${record.requestId}: dropped (fault)`);
      this.#options.save();
      return Promise.resolve();
    }
    if (record.faults.webhookDelayMs > 0) {
      this.#schedule(record, record.faults.webhookDelayMs);
      return Promise.resolve();
    }
    return this.#track(this.#round(record));
  }

  /** After a restart: continue whatever was pending, at the time it was due. */
  resume(record: RequestRecord): void {
    const state = record.webhook;
    if (!state || state.delivered || state.dropped || state.givenUp) return;
    this.#schedule(record, Math.max(0, (state.nextAttemptAt ?? Date.now()) - Date.now()));
  }

  /** Every attempt so far (the latest WEBHOOK_LOG_LIMIT), in the order they ended; not persisted. */
  attempts(): readonly WebhookAttempt[] {
    return this.#log;
  }

  /** Stops timers and aborts in-flight attempts; their records stay due so a restart resends them. */
  async close(): Promise<void> {
    this.#abort.abort();
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    await Promise.allSettled([...this.#rounds]);
  }

  #schedule(record: RequestRecord, delayMs: number): void {
    const state = record.webhook;
    if (!state || this.#abort.signal.aborted) return;
    clearTimeout(this.#timers.get(record.requestId));
    state.nextAttemptAt = Date.now() + delayMs;
    this.#options.save();
    const timer = setTimeout(() => {
      this.#timers.delete(record.requestId);
      void this.#track(this.#round(record));
    }, delayMs);
    this.#timers.set(record.requestId, timer);
  }

  #track(round: Promise<void>): Promise<void> {
    this.#rounds.add(round);
    return round.finally(() => this.#rounds.delete(round));
  }

  async #round(record: RequestRecord): Promise<void> {
    const state = record.webhook;
    if (!state || this.#abort.signal.aborted) return;
    // Marked due while in flight: a crash mid-attempt means "send again" after restart.
    state.nextAttemptAt = Date.now();
    const concurrent = record.faults.webhook === 'concurrent_duplicate' && state.attempts === 0;
    const results = await Promise.all(
      concurrent ? [this.#send(record), this.#send(record)] : [this.#send(record)],
    );
    if (results.includes('aborted')) return;
    if (results.includes('ok')) {
      state.delivered = true;
      state.deliveredAt ??= Date.now();
      // still due until the duplicate is sent: nothing pending means nothing more will arrive
      if (record.faults.webhook === 'duplicate' && state.deliveries < 2) await this.#send(record);
      state.nextAttemptAt = null;
      this.#options.save();
      return;
    }
    state.failures += 1;
    const delay = this.#options.retryDelaysMs[state.failures - 1];
    if (delay === undefined) {
      state.givenUp = true;
      state.nextAttemptAt = null;
      this.#options.log(`webhook ${record.requestId}: given up after ${state.attempts} attempts`);
      this.#options.save();
      return;
    }
    this.#schedule(record, delay);
  }

  async #send(record: RequestRecord): Promise<AttemptResult> {
    const state = record.webhook;
    const url = record.webhookUrl;
    if (!state || !url) return 'failed';
    const { signer, userId, timeoutMs, stats, log } = this.#options;
    state.attempts += 1;
    stats.webhookAttempts += 1;
    const entry: WebhookAttempt = {
      requestId: record.requestId,
      url,
      attempt: state.attempts,
      sentAt: Date.now(),
      status: null,
    };
    const body = Buffer.from(state.body, 'utf8');
    const headers = {
      'Content-Type': 'application/json',
      ...signer.headers(record.requestId, userId, body, Math.floor(Date.now() / 1000)),
    };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(timeoutMs)]),
      });
      await response.body?.cancel();
      this.#record({ ...entry, status: response.status });
      const ok = response.status >= 200 && response.status < 300;
      log(`webhook ${record.requestId}: attempt ${state.attempts} -> ${response.status}`);
      if (!ok) return 'failed';
      state.deliveries += 1;
      stats.webhooksDelivered += 1;
      return 'ok';
    } catch (error) {
      if (this.#abort.signal.aborted) return 'aborted';
      this.#record(entry);
      log(`webhook ${record.requestId}: attempt ${state.attempts} failed (${String(error)})`);
      return 'failed';
    }
  }

  #record(entry: WebhookAttempt): void {
    this.#log.push(entry);
    if (this.#log.length > WEBHOOK_LOG_LIMIT) this.#log.splice(0, this.#log.length - WEBHOOK_LOG_LIMIT);
  }
}
