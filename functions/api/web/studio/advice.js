// What a person can do about each error the API or a failed video reports. Pure: unit-tested in node.

const ADVICE = {
  network_error: 'Check that Reelay is running and your connection works, then try again.',
  invalid_api_key: 'Sign out and paste a valid key; the operator can issue one.',
  missing_api_key: 'Sign out and paste a valid key; the operator can issue one.',
  invalid_request: 'Correct the field and try again.',
  prompt_rejected: 'The prompt was refused by the safety screen. Rephrase it and try again.',
  content_policy_violation:
    "The provider's content policy refused the prompt or image. Change it and try again.",
  budget_exceeded:
    'The spending budget is used up for now. Try again after it resets, or ask the operator to raise it.',
  provider_rate_limited: 'The video provider is busy. Try again in a minute.',
  provider_unavailable: 'The video provider is not available right now. Try again in a few minutes.',
  provider_error: 'The video provider failed. Try again; if it keeps failing, try another model.',
  provider_balance_exhausted: "The operator's provider account is out of credit. Tell the operator.",
  provider_auth_failed: "The provider refused Reelay's credentials. Tell the operator.",
  moderation_unavailable: 'The safety screen is not available right now. Try again in a few minutes.',
  generation_timeout: 'The provider took too long. Try again, perhaps with fewer seconds.',
  timeout: 'It waited too long. Try again when fewer videos are running.',
  archive_failed: 'The video was made but could not be stored. Try again.',
  cancelled: 'It was cancelled.',
  request_too_large: 'Use a smaller image (at most 10 MB) and try again.',
  unsupported_media_type: 'Use a PNG, JPEG or WebP image.',
  idempotency_key_reused: 'Reload the page and try again.',
};

/** One sentence saying what to do, for an error code (and the seconds to wait, for a rate limit). */
export function adviceFor(code, retryAfterSeconds) {
  if (code === 'rate_limit_exceeded') {
    return retryAfterSeconds
      ? `Too many requests: wait ${retryAfterSeconds} s and try again.`
      : 'Too many requests: wait a minute and try again.';
  }
  return ADVICE[code] ?? 'Try again; if it keeps failing, tell the operator what happened and when.';
}
