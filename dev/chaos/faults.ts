import type { FalFault } from '../fal-emulator/index.ts';

/** How long the timed faults last, scaled to the service's timings (the chaos run's, or a test's). */
export interface FaultTimings {
  /** A late webhook: well inside the time the service waits for it. */
  webhookDelayMs: number;
  /** A first attempt's webhook held back until after the job's next attempt has finished. */
  pastLaterDeliveryMs: number;
  /** A submit fal accepts only after the service's request timeout. */
  submitHangMs: number;
}

/** One kind of trouble a job can meet, bound to that job by a tag in its prompt. */
export interface ChaosFault {
  name: string;
  faults(tag: string, timings: FaultTimings): FalFault[];
  /** The error code the job must end with; absent when it must complete regardless. */
  fails?: string;
  /** fal requests the job takes (default 1): a retried generation is a new, paid-for attempt. */
  falRequests?: number;
}

const on = (tag: string) => ({ match: { promptIncludes: tag } });

const RETRYABLE_GENERATION_ERRORS = [
  'request_timeout',
  'generation_timeout',
  'internal_server_error',
  'downstream_service_unavailable',
  'runner_disconnected',
] as const;

/** Every fault issue 4 lists that fal or its CDN can produce. */
export const CHAOS_FAULTS: readonly ChaosFault[] = [
  { name: 'webhook dropped', faults: (t) => [{ on: 'webhook', mode: 'drop', ...on(t) }] },
  { name: 'webhook duplicated', faults: (t) => [{ on: 'webhook', mode: 'duplicate', ...on(t) }] },
  {
    name: 'webhook duplicated concurrently',
    faults: (t) => [{ on: 'webhook', mode: 'concurrent_duplicate', ...on(t) }],
  },
  {
    name: 'webhook delayed',
    faults: (t, { webhookDelayMs }) => [{ on: 'webhook', delayMs: webhookDelayMs, ...on(t) }],
  },
  {
    name: 'webhook before submit response',
    faults: (t) => [{ on: 'webhook', mode: 'before_submit_response', ...on(t) }],
  },
  {
    // the first attempt fails, found by polling; its webhook comes after the retry completed the job
    name: 'webhook delayed past a later delivery',
    faults: (t, { pastLaterDeliveryMs }) => [
      { on: 'generation', error: 'internal_server_error', ...on(t) },
      { on: 'webhook', delayMs: pastLaterDeliveryMs, ...on(t) },
    ],
    falRequests: 2,
  },
  // twice in a row: the job's own retry (with backoff) meets the error again before it gets through
  { name: 'submit 429', faults: (t) => [{ on: 'submit', status: 429, times: 2, ...on(t) }] },
  { name: 'submit 500', faults: (t) => [{ on: 'submit', status: 500, times: 2, ...on(t) }] },
  { name: 'submit 503', faults: (t) => [{ on: 'submit', status: 503, times: 2, ...on(t) }] },
  {
    name: 'submit timeout',
    faults: (t, { submitHangMs }) => [{ on: 'submit', hangMs: submitHangMs, ...on(t) }],
  },
  {
    name: 'content policy violation',
    faults: (t) => [{ on: 'generation', error: 'content_policy_violation', ...on(t) }],
    fails: 'content_policy_violation',
  },
  {
    name: 'validation error',
    faults: (t) => [{ on: 'generation', error: 'validation', ...on(t) }],
    fails: 'invalid_request',
  },
  {
    name: 'image load error',
    faults: (t) => [{ on: 'generation', error: 'image_load_error', ...on(t) }],
    fails: 'image_load_error',
  },
  ...RETRYABLE_GENERATION_ERRORS.map(
    (error): ChaosFault => ({
      name: `generation ${error}`,
      faults: (t) => [{ on: 'generation', error, ...on(t) }],
      falRequests: 2,
    }),
  ),
  { name: 'payload error', faults: (t) => [{ on: 'generation', payloadError: true, ...on(t) }] },
  { name: 'CDN 500', faults: (t) => [{ on: 'cdn', mode: 'error_500', ...on(t) }] },
  { name: 'CDN truncated body', faults: (t) => [{ on: 'cdn', mode: 'truncate', ...on(t) }] },
  { name: 'CDN slow body', faults: (t) => [{ on: 'cdn', mode: 'slow', ...on(t) }] },
  { name: 'CDN expired URL', faults: (t) => [{ on: 'cdn', mode: 'expired', ...on(t) }] },
];

/**
 * Trouble at the steps that carry no prompt (fal's ffmpeg helpers), so no tag can bind it to one
 * job: each hits the next request of its endpoint, whichever job it belongs to. Only faults a job
 * recovers from, so every multi-step job must still complete.
 */
export const STEP_FAULTS: readonly ChaosFault[] = [
  'fal-ai/ffmpeg-api/extract-frame',
  'fal-ai/ffmpeg-api/merge-videos',
].flatMap((endpoint): ChaosFault[] => {
  const match = { match: { endpoint } };
  const step = endpoint.split('/').at(-1);
  return [
    { name: `${step} webhook dropped`, faults: () => [{ on: 'webhook', mode: 'drop', ...match }] },
    { name: `${step} webhook duplicated`, faults: () => [{ on: 'webhook', mode: 'duplicate', ...match }] },
    {
      name: `${step} webhook delayed`,
      faults: (_, { webhookDelayMs }) => [{ on: 'webhook', delayMs: webhookDelayMs, ...match }],
    },
    {
      name: `${step} generation internal_server_error`,
      faults: () => [{ on: 'generation', error: 'internal_server_error', ...match }],
    },
    { name: `${step} submit 503`, faults: () => [{ on: 'submit', status: 503, ...match }] },
  ];
});
