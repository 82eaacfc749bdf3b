/**
 * The fal account whose webhooks Reelay accepts. fal signs every customer's deliveries with the same
 * keys, so a valid signature alone proves only "some fal account": the signed `X-Fal-Webhook-User-Id`
 * must be the operator's. Set it (FAL_WEBHOOK_USER_ID), or it is learnt from the first verified
 * delivery for a request id Reelay itself recorded from fal's answer to its own submit; until then,
 * only such deliveries are accepted.
 */
export interface FalAccountPin {
  /** `unknown` while nothing is pinned (configured or learnt) yet. */
  check(userId: string): 'ours' | 'other' | 'unknown';
  /** Pins `userId` when nothing is pinned; called only for a delivery of a recorded request. */
  learn(userId: string): void;
}

export function createFalAccountPin(configured?: string): FalAccountPin {
  let pinned = configured;
  return {
    check: (userId) => (pinned === undefined ? 'unknown' : userId === pinned ? 'ours' : 'other'),
    learn(userId) {
      pinned ??= userId;
    },
  };
}
