import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FalEmulator, startFalEmulator } from '../../dev/fal-emulator/index.ts';

describe('emulator: fal.run openrouter/router (prompt moderation)', () => {
  let emulator: FalEmulator;
  beforeAll(async () => {
    emulator = await startFalEmulator({ port: 0 });
  });
  afterAll(() => emulator.close());

  const run = (body: unknown, key = 'Key test') =>
    fetch(`${emulator.url}/run/openrouter/router`, {
      method: 'POST',
      headers: { authorization: key, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('allows a prompt, flags one with [moderation:flag], and counts runs', async () => {
    const runs = emulator.stats().runs;
    const allowed = await run({ prompt: '<prompt>a fox</prompt>', model: 'm', system_prompt: 's' });
    expect(allowed.status).toBe(200);
    expect(JSON.parse((await allowed.json()).output)).toEqual({ allowed: true });
    const flagged = await run({ prompt: '<prompt>x [moderation:flag]</prompt>' });
    expect(JSON.parse((await flagged.json()).output)).toEqual({ allowed: false, category: 'violence' });
    expect(emulator.stats().runs - runs).toBe(2);
  });

  it('answers 503, garbled output, 422 and 401 as asked', async () => {
    expect((await run({ prompt: '[moderation:down]' })).status).toBe(503);
    expect((await (await run({ prompt: '[moderation:garbled]' })).json()).output).not.toContain('{');
    expect((await run({})).status).toBe(422);
    const unauthorised = await fetch(`${emulator.url}/run/openrouter/router`, { method: 'POST', body: '{}' });
    expect(unauthorised.status).toBe(401);
  });
});
