import type { Deps } from '../deps.ts';
import { wantsVideo } from '../domain/connection.ts';
import {
  type EventType,
  isTerminalEvent,
  liveEventBody,
  type VideoEvent,
  videoEvent,
} from '../domain/events.ts';
import { isTerminal, type Job, jobStatus } from '../domain/job.ts';
import { toVideoObject } from '../domain/video-object.ts';
import { queuePositions } from '../limits/queue-position.ts';
import { pushTo } from './fan-out.ts';

/** How far back a greeting looks for unfinished videos: the tenant's newest this many. */
const GREETING_WINDOW = 200;

/** The event that stands for a job's current state: the one in its outbox when it is of that state. */
function currentEvent(job: Job): VideoEvent {
  const type: EventType = `video.${jobStatus(job)}`;
  const recorded = job.outbox?.event;
  if (recorded?.type === type) return recorded;
  return videoEvent(job.id, type, job.updatedAt, isTerminalEvent(type) ? undefined : job.version);
}

/** One live body per event: the event with the video object as it is now. */
export async function liveBodies(deps: Pick<Deps, 'usage' | 'now' | 'config'>, jobs: Job[]) {
  if (jobs.length === 0) return [];
  const [first] = jobs;
  const positions = first ? await queuePositions(deps, first.tenant, jobs) : new Map();
  return jobs.map((job) => ({
    job,
    video: toVideoObject(job, deps.now(), deps.config.videoRetentionDays, positions.get(job.id) ?? null),
  }));
}

/**
 * A new stream's first messages: a `video.queued` or `video.in_progress` event for each unfinished
 * video of its tenant (or the one it asked for, whatever its state), so a client that reconnects has
 * missed nothing that matters. Oldest first, as they would have come.
 */
export async function greetConnection(
  deps: Pick<Deps, 'connections' | 'livePush' | 'jobs' | 'usage' | 'config' | 'logger' | 'metrics' | 'now'>,
  connectionId: string,
): Promise<number> {
  const connection = await deps.connections.get(connectionId);
  if (!connection || connection.expiresAt <= deps.now()) return 0;
  let jobs: Job[];
  if (connection.videoId !== undefined) {
    const job = await deps.jobs.get(connection.videoId);
    jobs = job && job.tenant === connection.tenant && !job.deletedAt ? [job] : [];
  } else {
    const page = await deps.jobs.listByTenant(connection.tenant, { limit: GREETING_WINDOW, order: 'desc' });
    jobs = page.jobs.filter((job) => !isTerminal(job.state) && wantsVideo(connection, job.id)).reverse();
  }
  let sent = 0;
  for (const { job, video } of await liveBodies(deps, jobs)) {
    const report = await pushTo(deps, [connection], liveEventBody(currentEvent(job), video));
    if (report.gone > 0) break;
    sent += report.sent;
  }
  return sent;
}
