import type { Deps } from '../deps.ts';
import { budgetExceededMessage, secondsUntilReset, toMicros, utcDay } from '../domain/limits.ts';
import type { TenantLimits } from '../domain/tenant.ts';
import { LimitExceeded } from '../errors.ts';

function budgetExceeded(
  scope: 'tenant' | 'overall',
  limitUsd: number,
  costUsd: number,
  now: number,
): LimitExceeded {
  return new LimitExceeded('budget_exceeded', budgetExceededMessage(scope, limitUsd, costUsd, now), {
    retryAfterSeconds: secondsUntilReset(now),
  });
}

/**
 * Reserves a new job's estimated cost in today's (UTC) window of the tenant's budget and of the
 * overall one, or throws 429 `budget_exceeded` saying when the window resets. Answers the day the
 * reservation belongs to: a refund goes back to that day only.
 */
export async function reserveBudget(
  deps: Pick<Deps, 'usage' | 'config'>,
  tenant: string,
  limits: Pick<TenantLimits, 'dailyBudgetUsd'>,
  costUsd: number,
  now: number,
): Promise<string> {
  const day = utcDay(now);
  const micros = toMicros(costUsd);
  if (!(await deps.usage.reserveSpend({ tenant }, day, micros, toMicros(limits.dailyBudgetUsd))))
    throw budgetExceeded('tenant', limits.dailyBudgetUsd, costUsd, now);
  const overall = deps.config.globalLimits.dailyBudgetUsd;
  if (overall !== null && !(await deps.usage.reserveSpend('global', day, micros, toMicros(overall)))) {
    await deps.usage.refundSpend({ tenant }, day, micros);
    throw budgetExceeded('overall', overall, costUsd, now);
  }
  return day;
}

/** Hands a reservation back to the tenant's and the overall window of `day` (a no-op once that day is over). */
export async function refundBudget(
  deps: Pick<Deps, 'usage' | 'config'>,
  tenant: string,
  day: string,
  costUsd: number,
): Promise<void> {
  const micros = toMicros(costUsd);
  await deps.usage.refundSpend({ tenant }, day, micros);
  if (deps.config.globalLimits.dailyBudgetUsd !== null) await deps.usage.refundSpend('global', day, micros);
}
