import { describe, expect, it } from 'vitest';

// plain browser modules without type declarations: loaded by a path TypeScript does not resolve
const web = '../../../functions/api/web/studio';
const { formatDuration, timing, statusLine } = await import(`${web}/time.js`);
const { adviceFor } = await import(`${web}/advice.js`);

const running = (fields: Record<string, unknown>) => ({
  status: 'in_progress',
  progress: 40,
  created_at: 1_000,
  estimated_completion_at: 1_100,
  queue_position: null,
  ...fields,
});

describe('time.js', () => {
  it.each([
    [0, '0 s'],
    [42.4, '42 s'],
    [60, '1 min'],
    [125, '2 min 5 s'],
    [3_600, '1 h'],
    [3_720, '1 h 2 min'],
    [-5, '0 s'],
  ])('formatDuration(%s) is %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('says elapsed and time left from estimated_completion_at', () => {
    expect(timing(running({}), 1_030_000)).toBe('30 s elapsed · about 1 min 10 s left');
    expect(timing(running({}), 1_100_500)).toBe(
      '1 min 40 s elapsed · finishing, taking a little longer than estimated',
    );
    expect(timing(running({ estimated_completion_at: null }), 1_005_000)).toBe('5 s elapsed');
  });

  it('puts the queue position and progress in steps of 10 % into the status line', () => {
    expect(statusLine(running({ status: 'queued', queue_position: 3 }))).toBe('Queued, number 3 in line');
    expect(statusLine(running({ status: 'queued' }))).toBe('Queued, starting soon');
    expect(statusLine(running({ progress: 47 }))).toBe('In progress, 40 %');
    expect(statusLine(running({ status: 'completed' }))).toBe('Ready');
    expect(statusLine(running({ status: 'failed' }))).toBe('Failed');
  });
});

describe('advice.js', () => {
  it('tells how long to wait on a rate limit', () => {
    expect(adviceFor('rate_limit_exceeded', 17)).toBe('Too many requests: wait 17 s and try again.');
    expect(adviceFor('rate_limit_exceeded')).toMatch(/wait a minute/);
  });

  it.each([
    ['prompt_rejected', /Rephrase/],
    ['content_policy_violation', /content policy/],
    ['budget_exceeded', /budget/],
    ['provider_unavailable', /not available right now/],
    ['invalid_api_key', /Sign out and paste a valid key/],
    ['something_new', /tell the operator/],
  ])('%s says what to do', (code, advice) => {
    expect(adviceFor(code)).toMatch(advice);
  });
});
