/**
 * Multi-step jobs: a video made by several fal requests in order (extract a frame → generate →
 * merge). The plan lives on the job item, so each step's record and the job's state change in one
 * conditional write; the job's own `falEndpoint`, `falInput`, `requestId` and `webhookToken` always
 * describe the current step, which is why submit, webhook, retry and reconciler need no step logic.
 */

export type StepKind = 'extract-frame' | 'generate' | 'merge' | 'extend';

export interface JobStep {
  kind: StepKind;
  /** A sequence's scene this step generates. */
  scene?: number;
  endpoint: string;
  /** fal's input; a string `stepOutput(i)` anywhere in it is replaced by step i's output URL when it starts. */
  input: Record<string, unknown>;
  /** This step's share of the job's estimate: what is refunded when the job fails before it is billed. */
  estimatedCostUsd: number;
  /** Typical wall time at fal, for the submit lease, the webhook's grace and progress. */
  typicalMs: number;
  /** Recorded when the step finished: the request that made its output, its token, the output. */
  requestId?: string;
  webhookToken?: string;
  outputUrl?: string;
  doneAt?: number;
}

export interface JobPlan {
  steps: JobStep[];
  /** Index of the step the job's fal fields describe. */
  current: number;
  /** `priorRequestIds.length` when the current step began: its attempts are counted after these. */
  stepBase: number;
  /** The endpoint of every earlier step's requests, retries included (what each one's cost is asked of). */
  requestEndpoints: Record<string, string>;
}

const OUTPUT_PREFIX = 'reelay-step-output:';

/** The placeholder for step `index`'s output URL inside a later step's input. */
export const stepOutput = (index: number): string => `${OUTPUT_PREFIX}${index}`;

function wire(value: unknown, outputs: readonly (string | undefined)[]): unknown {
  if (typeof value === 'string' && value.startsWith(OUTPUT_PREFIX)) {
    const url = outputs[Number(value.slice(OUTPUT_PREFIX.length))];
    if (url === undefined) throw new Error(`step input names ${value}, which has no output yet`);
    return url;
  }
  if (Array.isArray(value)) return value.map((item) => wire(item, outputs));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, wire(item, outputs)]));
  return value;
}

/** Step `index`'s fal input with the outputs of the steps before it filled in. */
export function stepInput(plan: JobPlan, index: number): Record<string, unknown> {
  const step = plan.steps[index];
  if (!step) throw new Error(`plan has no step ${index}`);
  return wire(
    step.input,
    plan.steps.map((s) => s.outputUrl),
  ) as Record<string, unknown>;
}

/** A plan whose first step is about to be recorded as the job's fal request. */
export function newPlan(steps: JobStep[]): JobPlan {
  if (steps.length === 0) throw new Error('a plan needs a step');
  return { steps, current: 0, stepBase: 0, requestEndpoints: {} };
}

export const totalEstimateUsd = (steps: readonly Pick<JobStep, 'estimatedCostUsd'>[]): number =>
  Math.round(steps.reduce((sum, step) => sum + step.estimatedCostUsd, 0) * 10_000) / 10_000;

export const totalTypicalMs = (steps: readonly JobStep[]): number =>
  steps.reduce((sum, step) => sum + step.typicalMs, 0);

/** More steps follow the current one: its output feeds the next instead of the archive. */
export function hasNextStep(plan: JobPlan | undefined): plan is JobPlan {
  return plan !== undefined && plan.current < plan.steps.length - 1;
}

/**
 * How long fal must keep the current step's output: a step whose output feeds a later one (a
 * scene's clip waits for the merge) asks fal to keep it for the job's whole maximum age, past which
 * the reconciler ends the job, so no step reads it later; fal's default retention is then no
 * concern however long retries and queues make the job. The last step keeps fal's default: the
 * archiver copies it at once, and refreshes an expired URL from the queue's result.
 */
export function stepOutputLifetimeSeconds(
  job: { plan?: JobPlan; sceneOf?: unknown },
  maxJobAgeMs: number,
): number | undefined {
  // a parallel scene's output waits for the slowest scene (and for slots) before the merge reads it
  return hasNextStep(job.plan) || job.sceneOf !== undefined ? Math.ceil(maxJobAgeMs / 1000) : undefined;
}

/**
 * Spend of a job that fails now that fal never billed: every step not yet finished. The steps
 * that finished produced their output and were billed, so their share stays spent.
 */
export function unbilledEstimateUsd(job: { estimatedCostUsd: number; plan?: JobPlan }): number {
  if (!job.plan) return job.estimatedCostUsd;
  const billed = totalEstimateUsd(job.plan.steps.slice(0, job.plan.current));
  return Math.max(0, Math.round((job.estimatedCostUsd - billed) * 10_000) / 10_000);
}

/** Typical time of the finished steps and of the whole plan (progress across steps). */
export function planTimes(plan: JobPlan): { doneMs: number; totalMs: number; remainingAfterMs: number } {
  const doneMs = totalTypicalMs(plan.steps.slice(0, plan.current));
  const totalMs = totalTypicalMs(plan.steps);
  const remainingAfterMs = totalTypicalMs(plan.steps.slice(plan.current + 1));
  return { doneMs, totalMs, remainingAfterMs };
}

/** Every webhook token the job handed to fal: a late webhook of an earlier step is still fal's, answered 200 and ignored. */
export function webhookTokens(job: { webhookToken: string; plan?: JobPlan }): string[] {
  const earlier = job.plan?.steps.flatMap((step) => (step.webhookToken ? [step.webhookToken] : [])) ?? [];
  return [job.webhookToken, ...earlier];
}
