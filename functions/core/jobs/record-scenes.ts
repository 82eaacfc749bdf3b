import type { Deps } from '../deps.ts';
import type { ResolvedVideo } from '../domain/catalog/index.ts';
import { newVideoId, newWebhookToken } from '../domain/ids.ts';
import { isTerminal, type Job } from '../domain/job.ts';
import { createSceneParent } from '../domain/scenes.ts';
import { planParallelSequence } from '../domain/sequence.ts';
import type { TenantLimits } from '../domain/tenant.ts';
import { createJob } from '../domain/transitions.ts';
import { type AdmittedCreate, admitCreate } from '../limits/admission.ts';
import { refundBudget, reserveBudget } from '../limits/budget.ts';
import { deleteScenes } from './delete-video.ts';
import { runJoin } from './join-scenes.ts';
import { startRecorded } from './start-recorded.ts';

/**
 * Gives back every admission taken so far; never throws (each undo logs its own failure). Scene ids
 * are this request's own, never recorded by a duplicate: a conflict on the sequence's video (a
 * concurrent duplicate of its Idempotency-Key) must not read as "recorded" and keep their slots.
 */
async function undoAll(admissions: readonly AdmittedCreate[], error: unknown): Promise<void> {
  const reason = new Error(`the sequence's scenes were not recorded: ${String(error)}`);
  for (const admitted of admissions) await admitted.undo(reason);
}

/**
 * A sequence without continuity, after the create pipeline checked it (`createVideo`'s `record`):
 * admitted all or nothing (the merge's budget share for its video, then each scene's slot or place
 * in the queue and budget share; a refusal part-way gives back what was taken before the 429), then
 * recorded (the video first, awaiting its scenes, so a scene that ends early finds it), then every
 * scene submitted, or left to the queue. The video holds every scene's plan: scenes a creator did not
 * record (it died, or a write was refused) are recorded by the reconciler's join after its lease.
 */
export async function recordScenes(
  deps: Deps,
  tenant: string,
  recording: { id: string; limits: TenantLimits; resolved: ResolvedVideo[] },
): Promise<Job> {
  const { id, limits, resolved } = recording;
  const now = deps.now();
  const planned = planParallelSequence(resolved, deps.policy.typicalGenerationMs);
  const sceneIds = planned.scenes.map(() => newVideoId(now));
  const budgetDay = await reserveBudget(deps, tenant, limits, planned.video.estimatedCostUsd, now);
  const admissions: AdmittedCreate[] = [];
  const undo = async (error: unknown) => {
    await undoAll(admissions, error);
    await refundBudget(deps, tenant, budgetDay, planned.video.estimatedCostUsd).catch((refund: unknown) =>
      deps.logger.error('refunding a refused sequence failed', { jobId: id, error: String(refund) }),
    );
  };
  try {
    for (const [index, scene] of planned.scenes.entries())
      admissions.push(
        await admitCreate(deps, tenant, sceneIds[index] as string, scene.estimatedCostUsd, now, limits),
      );
  } catch (error) {
    await undo(error);
    throw error;
  }
  const parent = createSceneParent(
    { id, tenant, webhookToken: newWebhookToken(), ...planned.video, scenePlans: planned.scenes },
    sceneIds,
    now,
    deps.policy,
    budgetDay,
  );
  try {
    await deps.jobs.create(parent);
  } catch (error) {
    await undo(error);
    throw error;
  }
  const children: Job[] = [];
  for (const [index, scene] of planned.scenes.entries()) {
    const child = createJob(
      {
        id: sceneIds[index] as string,
        tenant,
        webhookToken: newWebhookToken(),
        ...scene,
        sceneOf: { jobId: id, index },
      },
      now,
      deps.policy,
      admissions[index],
    );
    try {
      await deps.jobs.create(child);
    } catch (error) {
      // the video holds every scene's plan and the admissions stand: once the creator's submit
      // lease has passed, the reconciler's join records the scenes from here on, as after a crash
      deps.logger.error('a scene was not recorded; the reconciler will record it', {
        jobId: id,
        index,
        error: String(error),
      });
      break;
    }
    children.push(child);
  }
  deps.logger.info('sequence created', {
    jobId: id,
    tenant,
    scenes: sceneIds.length,
    costUsd: parent.estimatedCostUsd + children.reduce((sum, child) => sum + child.estimatedCostUsd, 0),
    waiting: children.filter((child) => child.waitingSince !== undefined).length,
  });
  // the sequence may have ended while its scenes were recorded (a delete through a duplicate's
  // replay of the id): a delete reads the scenes recorded before it, so this one look stops the rest
  const latest = await deps.jobs.get(id);
  if (latest?.deletedAt !== undefined) {
    await deleteScenes(deps, latest ?? parent);
    return parent;
  }
  if (!latest || isTerminal(latest.state)) {
    await runJoin(deps, id, latest);
    return parent;
  }
  // every scene at once: the ones holding a slot go to fal now, the waiting ones to the queue's pump
  await Promise.all(children.map((child) => startRecorded(deps, child)));
  return parent;
}
