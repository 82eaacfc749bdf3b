import type { EngineDeps } from '../deps.ts';
import { mapToModel, remainingFallbacks, type TriedModel } from '../domain/fallback.ts';
import type { Job, JobError } from '../domain/job.ts';
import { toMicros } from '../domain/limits.ts';
import { switchModel } from '../domain/transitions.ts';
import { LimitExceeded } from '../errors.ts';
import { refundBudget, reserveBudget } from '../limits/budget.ts';
import { tenantLimits } from '../limits/slots.ts';
import { type Updated, updateJob } from './update-job.ts';

export type FallbackResult = { switched: Updated } | { tried: TriedModel[] };

const usd = (micros: number) => micros / 1_000_000;

/**
 * Hands a job whose model failed retryably past its attempts to the first fallback model that can
 * take the video (seconds and size mapped) within the budget: a dearer model reserves the difference
 * in the job's budget day first (or is skipped, the reason recorded), a cheaper one gives it back.
 * `stillDue` re-checks, on the job as stored, that the failure still decides its fate. Answers the
 * switch, or every model left and why when none could take it (the caller then fails the job).
 */
export async function moveToFallback(
  deps: EngineDeps,
  job: Job,
  failedRequestId: string | undefined,
  error: JobError,
  stillDue: (current: Job) => boolean,
): Promise<FallbackResult> {
  const tried: TriedModel[] = [{ model: job.spec.model, reason: `${error.code}: ${error.message}` }];
  for (const name of remainingFallbacks(job)) {
    const mapped = mapToModel(job.spec, name);
    if (typeof mapped === 'string') {
      tried.push({ model: name, reason: mapped, skipped: true });
      continue;
    }
    const extraMicros = toMicros(mapped.estimatedCostUsd) - toMicros(job.estimatedCostUsd);
    let reserved = 0;
    if (extraMicros > 0 && job.budgetDay !== undefined) {
      try {
        const day = await reserveBudget(
          deps,
          job.tenant,
          await tenantLimits(deps, job.tenant),
          usd(extraMicros),
          deps.now(),
        );
        reserved = extraMicros;
        if (day !== job.budgetDay) {
          await refundBudget(deps, job.tenant, day, usd(extraMicros));
          tried.push({
            model: name,
            reason: 'it costs more, and the budget day the job was reserved in is over',
            skipped: true,
          });
          continue;
        }
      } catch (refused) {
        if (!(refused instanceof LimitExceeded)) throw refused;
        tried.push({
          model: name,
          reason: `it costs $${usd(extraMicros)} more than the reservation, which the budget cannot cover`,
          skipped: true,
        });
        continue;
      }
    }
    const next = {
      spec: mapped.spec,
      falEndpoint: mapped.falEndpoint,
      falInput: mapped.falInput,
      estimatedCostUsd: mapped.estimatedCostUsd,
      typicalGenerationMs: deps.policy.typicalGenerationMs ?? mapped.model.typicalGenerationSeconds * 1000,
    };
    const updated = await updateJob(
      deps,
      job.id,
      (current) =>
        stillDue(current)
          ? switchModel(current, next, failedRequestId, tried, deps.now(), deps.policy)
          : undefined,
      job,
    );
    if (!updated?.changed) {
      if (reserved > 0 && job.budgetDay) await refundBudget(deps, job.tenant, job.budgetDay, usd(reserved));
      return { tried: [] };
    }
    if (extraMicros < 0 && job.budgetDay) {
      await refundBudget(deps, job.tenant, job.budgetDay, usd(-extraMicros)).catch((refundError: unknown) =>
        deps.logger.error('refunding a cheaper fallback failed', {
          jobId: job.id,
          error: String(refundError),
        }),
      );
    }
    deps.logger.info('moved to a fallback model', {
      jobId: job.id,
      from: job.spec.model,
      to: mapped.model.name,
    });
    return { switched: updated };
  }
  return { tried };
}
