import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  ANSWER_RESERVE_MS,
  callTimeoutMs,
  remainingMs,
  withDeadline,
} from '../../functions/core/deadline.ts';
import { requestDeadline } from '../../functions/core/http/deadline.ts';

describe('deadlines', () => {
  it('outside a deadline a call keeps its own limit', () => {
    expect(remainingMs()).toBeUndefined();
    expect(callTimeoutMs(20_000)).toBe(20_000);
  });

  it('inside one a call gets what is left less the answer reserve, and never its full limit past it', () => {
    const now = 1_000_000;
    withDeadline(now + 5_000, () => {
      expect(callTimeoutMs(20_000, now)).toBe(5_000 - ANSWER_RESERVE_MS);
      expect(callTimeoutMs(2_000, now)).toBe(2_000);
      // spent: the call fails at once instead of running on
      expect(callTimeoutMs(20_000, now + 10_000)).toBe(1);
    });
  });

  it('a nested deadline may shorten the outer one, never extend it', async () => {
    const now = 1_000_000;
    await withDeadline(now + 3_000, async () => {
      await Promise.resolve();
      withDeadline(now + 60_000, () => expect(remainingMs(now)).toBe(3_000));
      withDeadline(now + 1_500, () => expect(remainingMs(now)).toBe(1_500));
      // it carries across awaits of the same request
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(remainingMs(now)).toBe(3_000);
    });
  });
});

describe('the request deadline middleware', () => {
  const appWith = (limitMs: number) => {
    const app = new Hono();
    app.use('*', requestDeadline(limitMs));
    app.get('/', (c) => c.json({ left: remainingMs() ?? null }));
    return app;
  };

  it('bounds a request by its own limit, or by the Lambda’s remaining time when that is shorter', async () => {
    const local = (await (await appWith(28_000).request('/')).json()) as { left: number };
    expect(local.left).toBeGreaterThan(27_000);
    expect(local.left).toBeLessThanOrEqual(28_000);
    const lambdaContext = { getRemainingTimeInMillis: () => 3_000 };
    const onLambda = (await (await appWith(28_000).request('/', {}, { lambdaContext })).json()) as {
      left: number;
    };
    expect(onLambda.left).toBeLessThanOrEqual(3_000);
    expect(onLambda.left).toBeGreaterThan(2_000);
  });
});
