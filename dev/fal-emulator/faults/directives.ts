import type { BoundFaults } from './schema.ts';

type Apply = (faults: BoundFaults) => void;

// `[fal:<name>]` in a prompt: a per-request fault for curl demos (fal's content checker reads prompts too).
const DIRECTIVES: Record<string, Apply> = {
  content_policy_violation: (f) => {
    f.generation = 'content_policy_violation';
  },
  generation_timeout: (f) => {
    f.generation = 'generation_timeout';
  },
  internal_server_error: (f) => {
    f.generation = 'internal_server_error';
  },
  payload_error: (f) => {
    f.generation = 'payload_error';
  },
  drop_webhook: (f) => {
    f.webhook = 'drop';
  },
  duplicate_webhook: (f) => {
    f.webhook = 'duplicate';
  },
  cdn_500: (f) => f.cdn.push('error_500'),
  cdn_truncate: (f) => f.cdn.push('truncate'),
  cdn_slow: (f) => f.cdn.push('slow'),
  cdn_expired: (f) => f.cdn.push('expired'),
  // read when the result is served (billing.ts): not a fault, but known
  no_billable_units: () => undefined,
};

/** Applies every known directive found in the prompt; returns the names it did not recognise. */
export function applyPromptDirectives(prompt: string, faults: BoundFaults): string[] {
  const unknown: string[] = [];
  for (const [, name = ''] of prompt.matchAll(/\[fal:([a-z0-9_]+)\]/g)) {
    const apply = DIRECTIVES[name];
    if (apply) apply(faults);
    else unknown.push(name);
  }
  return unknown;
}
