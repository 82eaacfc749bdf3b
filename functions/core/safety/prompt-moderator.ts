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

/**
 * Reads the model's answer: a JSON object `{"allowed": bool, "category"?: …}`, possibly inside a code
 * fence or prose. Anything else is no verdict (undefined); an unknown category counts as `other`.
 */
export function parseVerdict(output: string): ModerationVerdict | undefined {
  const json = /\{[^{}]*\}/.exec(output)?.[0];
  if (!json) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || !('allowed' in value)) return undefined;
  if (value.allowed === true) return { allowed: true };
  if (value.allowed !== false) return undefined;
  const category = 'category' in value ? value.category : undefined;
  return {
    allowed: false,
    category: MODERATION_CATEGORIES.find((known) => known === category) ?? 'other',
  };
}
