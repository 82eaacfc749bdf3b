import { beforeEach, describe, expect, it } from 'vitest';
import { falClientFor, submitRaw } from '../support/fal-calls.ts';
import { SEEDANCE_T2V, useTestEmulator } from '../support/fal-emulator.ts';
import { waitUntil } from '../support/wait-for.ts';

describe('submit faults', () => {
  const emulator = useTestEmulator();
  beforeEach(() => emulator.clearFaults());

  it.each([429, 500, 502, 503, 504] as const)('answers %i with a fal-like JSON body', async (status) => {
    emulator.injectFault({ on: 'submit', status });
    const before = emulator.stats();
    const response = await submitRaw(emulator, SEEDANCE_T2V, { prompt: 'x' });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(((await response.json()) as { detail: unknown }).detail).toEqual(expect.any(String));
    const after = emulator.stats();
    expect(after.rejectedSubmits - before.rejectedSubmits).toBe(1);
    expect(after.submits).toBe(before.submits);
    // One-shot: the next submit goes through.
    expect((await submitRaw(emulator, SEEDANCE_T2V, { prompt: 'x' })).status).toBe(200);
  });

  it("answers an exhausted balance with 403 and fal's exact detail", async () => {
    emulator.injectFault({ on: 'submit', balanceExhausted: true });
    const response = await submitRaw(emulator, SEEDANCE_T2V, { prompt: 'x' });
    expect(response.status).toBe(403);
    expect(await response.text()).toBe(
      '{"detail":"User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing."}',
    );
  });

  it('hangs a submit past a client timeout, and still enqueues it afterwards', async () => {
    emulator.injectFault({ on: 'submit', hangMs: 400 });
    const before = emulator.stats().submits;
    const started = Date.now();
    const query = `${emulator.url}/${SEEDANCE_T2V}`;
    const aborted = await fetch(query, {
      method: 'POST',
      headers: { Authorization: 'Key k' },
      body: '{"prompt":"hang"}',
      signal: AbortSignal.timeout(100),
    }).catch((error: unknown) => error);
    expect((aborted as Error).name).toBe('TimeoutError');
    // Like the real thing: the request was accepted even though the caller gave up (a duplicate risk),
    // once the hang was over, and once only.
    const hung = () => emulator.requests().filter((request) => request.input.prompt === 'hang');
    await waitUntil(() => hung().length > 0, 2_000, 'the hung submit to be accepted');
    expect(hung()).toHaveLength(1);
    expect(hung()[0]?.submittedAt).toBeGreaterThan(started + 300);
    expect(emulator.stats().submits).toBe(before + 1);
  });

  it('lets the real client recover from a one-shot 503 by its own retry', async () => {
    emulator.injectFault({ on: 'submit', status: 503 });
    const { client, calls } = falClientFor(emulator);
    const submitted = await client.queue.submit(SEEDANCE_T2V, { input: { prompt: 'retry' } });
    expect(submitted.status).toBe('IN_QUEUE');
    expect(calls.map((call) => call.status)).toEqual([503, 200]);
  });

  it('matches submit faults by endpoint', async () => {
    emulator.injectFault({ on: 'submit', status: 500, match: { endpoint: 'fal-ai/veo3.1' } });
    expect((await submitRaw(emulator, SEEDANCE_T2V, { prompt: 'x' })).status).toBe(200);
    expect((await submitRaw(emulator, 'fal-ai/veo3.1', { prompt: 'x' })).status).toBe(500);
  });

  it('rejects malformed faults', () => {
    expect(() => emulator.injectFault({ on: 'submit', status: 418 } as never)).toThrow();
    expect(() => emulator.injectFault({ on: 'cdn', mode: 'error_500', extra: 1 } as never)).toThrow();
  });
});
