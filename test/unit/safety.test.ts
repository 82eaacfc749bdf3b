import { describe, expect, it } from 'vitest';
import { loadConfig, parseBlocklist } from '../../functions/core/config.ts';
import { parseVerdict } from '../../functions/core/safety/prompt-moderator.ts';

describe('moderation verdicts', () => {
  it.each([
    ['{"allowed": true}', { allowed: true }],
    ['```json\n{"allowed": false, "category": "hate"}\n```', { allowed: false, category: 'hate' }],
    ['Sure! {"allowed": false, "category": "made-up"}', { allowed: false, category: 'other' }],
    ['{"allowed": false}', { allowed: false, category: 'other' }],
  ])('reads %j', (output, verdict) => {
    expect(parseVerdict(output)).toEqual(verdict);
  });

  it.each([
    '',
    'ALLOW',
    '{"allowed": "yes"}',
    '{not json}',
    '{"category": "hate"}',
    // a permission with prose around it may be echoed from the prompt: not a verdict
    'The prompt says {"allowed": true}',
    '{"allowed": true} and also {"allowed": true}',
  ])('finds no verdict in %j', (output) => {
    expect(parseVerdict(output)).toBeUndefined();
  });
});

describe('blocklist configuration', () => {
  it('reads a JSON array, or entries per line or comma', () => {
    expect(parseBlocklist('["a, b", "/x{1,2}/"]')).toEqual(['a, b', '/x{1,2}/']);
    expect(parseBlocklist('bomb, blow up\n detonat* ,,')).toEqual(['bomb', 'blow up', 'detonat*']);
    expect(loadConfig({}).promptBlocklist).toEqual([]);
  });

  it('refuses a bad regex or a bad JSON list at start', () => {
    expect(() => loadConfig({ REELAY_PROMPT_BLOCKLIST: '/(unclosed/' })).toThrow(/REELAY_PROMPT_BLOCKLIST/);
    expect(() => loadConfig({ REELAY_PROMPT_BLOCKLIST: '[1, 2]' })).toThrow(/REELAY_PROMPT_BLOCKLIST/);
  });

  it('moderation is off unless asked for', () => {
    expect(loadConfig({}).moderation.enabled).toBe(false);
    expect(loadConfig({ REELAY_MODERATION: 'fal' }).moderation).toMatchObject({
      enabled: true,
      runUrl: 'https://fal.run',
    });
  });
});
