import type { Deps } from '../deps.ts';
import { actualCostOf, type FalRequestCost, requestCost } from '../domain/cost.ts';
import { endpointOf } from '../domain/fallback.ts';
import type { Job } from '../domain/job.ts';

export interface MeasuredCost {
  falCosts: FalRequestCost[];
  actualCostUsd?: number;
}

/**
 * Asks fal what each request of the job cost (every generation attempt, the one that made the video
 * included, and `more`: a thumbnail's frame, a parallel sequence's scenes): its billable units, times the
 * endpoint's unit price. Never throws: a request whose units or price could not be had stays without
 * a cost, and the job's estimate then stands.
 */
/** Every fal request the job made (each generation attempt, each step), with the endpoint it went to. */
export function requestsOf(job: Job): FalRequest[] {
  return [...job.priorRequestIds, ...(job.requestId ? [job.requestId] : [])].map((requestId) => ({
    requestId,
    endpoint: endpointOf(job, requestId),
  }));
}

export interface FalRequest {
  requestId: string;
  endpoint: string;
}

export async function measureCost(
  deps: Pick<Deps, 'billing' | 'logger'>,
  job: Job,
  more: readonly FalRequest[] = [],
): Promise<MeasuredCost> {
  const requests = [...requestsOf(job), ...more];
  const falCosts: FalRequestCost[] = [];
  for (const { requestId, endpoint } of requests) {
    const cost: FalRequestCost = { requestId, endpoint, billed: true };
    try {
      const { billed, units } = await deps.billing.billableUnits(endpoint, requestId);
      cost.billed = billed;
      if (units !== undefined) {
        cost.units = units;
        const price = units === 0 ? 0 : await deps.billing.unitPriceUsd(endpoint);
        if (price !== undefined) {
          cost.unitPriceUsd = price;
          cost.costUsd = requestCost(units, price);
        }
      }
    } catch (error) {
      deps.logger.warn('fal billing unavailable for a request; the estimate stands', {
        jobId: job.id,
        requestId,
        error: String(error),
      });
    }
    falCosts.push(cost);
  }
  const actualCostUsd = actualCostOf(falCosts);
  return { falCosts, ...(actualCostUsd !== undefined && { actualCostUsd }) };
}
