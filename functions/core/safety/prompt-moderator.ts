/** Why a moderation step refused a prompt: a fixed set, so a reason never echoes the prompt. */
export const MODERATION_CATEGORIES = [
  'sexual',
  'sexual_minors',
  'violence',
  'self_harm',
  'hate',
  'harassment',
  'illegal',
  'other',
] as const;
export type ModerationCategory = (typeof MODERATION_CATEGORIES)[number];

export type ModerationVerdict = { allowed: true } | { allowed: false; category: ModerationCategory };

/** A moderation step that reviews a prompt before anything is spent on it. */
export interface PromptModerator {
  /** Throws ModerationUnavailableError when no verdict could be had. */
  review(prompt: string): Promise<ModerationVerdict>;
}

export class ModerationUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ModerationUnavailableError';
  }
}

function readObject(json: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the model's answer: a JSON object `{"allowed": bool, "category"?: …}`, possibly in a code
 * fence. A permission counts only when it is the whole answer: an `{"allowed": true}` with prose
 * around it may be echoed from an injected prompt. A refusal counts wherever it is (failing safe).
 * Anything else is no verdict (undefined); an unknown category counts as `other`.
 */
export function parseVerdict(output: string): ModerationVerdict | undefined {
  const whole = output
    .trim()
    .replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, '$1')
    .trim();
  const answer = readObject(whole);
  if (answer?.allowed === true) return { allowed: true };
  const refusal = [answer, ...[...output.matchAll(/\{[^{}]*\}/g)].map(([json]) => readObject(json))].find(
    (value) => value?.allowed === false,
  );
  if (!refusal) return undefined;
  return {
    allowed: false,
    category: MODERATION_CATEGORIES.find((known) => known === refusal.category) ?? 'other',
  };
}
