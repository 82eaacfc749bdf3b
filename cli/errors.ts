/** Exit codes a script can rely on (docs/cli.md lists them). */
export const EXIT = {
  ok: 0,
  /** A bug in reelay itself. */
  unexpected: 1,
  /** Unknown command or flag, missing argument. */
  usage: 2,
  /** No URL or key, or the key was refused (401). */
  auth: 3,
  /** No such video (or not yours). */
  notFound: 4,
  /** The API refused the request (400, 409, 413, 415, …), or a cancel of a video that already ended. */
  refused: 5,
  /** A rate or budget limit (429): try again later. */
  limited: 6,
  /** Reelay or the video provider did not answer or is down (network, 5xx). */
  unavailable: 7,
  /** The video ended failed (create --wait, download). */
  videoFailed: 8,
  /** Interrupted (Ctrl-C) while waiting: the video keeps running. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports in one line, with what to do, and exits with `exit`. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly exit: ExitCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The exit code for an HTTP status the API answered with. */
export function exitForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return EXIT.auth;
  if (status === 404) return EXIT.notFound;
  if (status === 429) return EXIT.limited;
  if (status >= 500) return EXIT.unavailable;
  return EXIT.refused;
}

const ADVICE: Readonly<Record<string, string>> = {
  invalid_api_key:
    'check REELAY_API_KEY (or --key); the operator issues keys with `npm run admin -- keys create`.',
  missing_api_key: 'set REELAY_API_KEY or pass --key.',
  prompt_rejected: 'rephrase the prompt.',
  content_policy_violation: 'change the prompt or image.',
  budget_exceeded: 'try again after the budget resets, or ask the operator to raise it.',
  provider_unavailable: 'try again in a few minutes.',
  provider_rate_limited: 'try again in a minute.',
  provider_error: 'try again, or try another model with --model.',
  generation_timeout: 'try again, perhaps with fewer --seconds.',
  video_not_ready: 'wait for it: reelay get ID, or create with --wait.',
  not_found: 'list your videos with: reelay list.',
  invalid_request: 'see the models and what each accepts with: reelay models.',
};

/** What to do about an API error code, as the tail of the one-line message. */
export function adviceFor(code: string, retryAfter?: number): string | undefined {
  if (code === 'rate_limit_exceeded') return `wait ${retryAfter ?? 60} s and try again.`;
  return ADVICE[code];
}
