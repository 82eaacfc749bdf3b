import type { EngineDeps } from '../deps.ts';
import type { Job } from '../domain/job.ts';
import { sendFollowUp } from '../limits/settle.ts';
import { submitJob } from './submit-job.ts';

/**
 * After the job is recorded: submits it if it holds a slot. A waiting job asks the follow-up worker
 * to pump its tenant's queue (a slot may have freed since admission): the create itself never
 * submits another job. Never throws.
 */
export async function startRecorded(deps: EngineDeps, job: Job): Promise<Job> {
  if (job.waitingSince === undefined) return submitJob(deps, job);
  await sendFollowUp(deps, { kind: 'pump', tenant: job.tenant }, job.id);
  return job;
}
