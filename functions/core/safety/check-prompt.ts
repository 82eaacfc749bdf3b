import { type Blocklist, findBlocked } from '../domain/prompt-safety.ts';
import { InvalidRequest, Unavailable } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { ModerationUnavailableError, type PromptModerator } from './prompt-moderator.ts';

const rejected = (message: string, param: string) =>
  new InvalidRequest('prompt_rejected', message, { param });

/**
 * Refuses a prompt before anything is spent on it: the blocklist (pure, always), then the optional
 * moderation model. The reason names a category, never the matched words. When moderation is on but
 * gives no verdict, the request is refused with a 503 (fail closed) rather than let through unchecked.
 */
export async function checkPrompt(
  safety: { blocklist: Blocklist; moderator?: PromptModerator; logger: Logger },
  texts: Array<{ text: string | undefined; param: string }>,
): Promise<void> {
  for (const { text, param } of texts) {
    if (text === undefined) continue;
    const match = findBlocked(safety.blocklist, text);
    if (match) {
      throw rejected(
        `The ${param} was rejected by this service's content policy (blocked ${match.kind}).`,
        param,
      );
    }
  }
  if (!safety.moderator) return;
  for (const { text, param } of texts) {
    if (!text) continue;
    try {
      const verdict = await safety.moderator.review(text);
      if (!verdict.allowed) {
        throw rejected(
          `The ${param} was rejected by content moderation (category: ${verdict.category}).`,
          param,
        );
      }
    } catch (error) {
      if (!(error instanceof ModerationUnavailableError)) throw error;
      safety.logger.warn('prompt moderation unavailable', { error: String(error.cause ?? error.message) });
      throw new Unavailable('moderation_unavailable', 'Prompt moderation is unavailable; please retry.', {
        retryAfterSeconds: 5,
        cause: error,
      });
    }
  }
}
