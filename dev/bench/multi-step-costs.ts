import { performance } from 'node:perf_hooks';
import type { FalEmulator } from '../fal-emulator/index.ts';
import type { LocalQueue } from '../local-queue.ts';
import type { CountingClient } from './counting-dynamo.ts';

/** What one kind of job costs, per job, across every function: the e2e benchmark's columns. */
export interface JobCosts {
  jobs: number;
  completed: number;
  /** DynamoDB requests per job, all tables, by `Operation table` and in all. */
  dynamo: Record<string, number>;
  dynamoTotal: number;
  dynamoByFunction: Record<string, number>;
  /** Per function, by `Operation table`: which step makes each request. */
  dynamoDetail: Record<string, Record<string, number>>;
  falRequests: number;
  falBreakdown: { submits: number; webhooks: number; reads: number };
  submitsByEndpoint: Record<string, number>;
  messages: { archive: number; events: number; followUp: number; all: number };
  invocations: Record<string, number> & { all: number };
}

export interface CostProbe {
  counters: Map<string, CountingClient>;
  tables: Record<string, string>;
  emulator: FalEmulator;
  queues: { archive: LocalQueue; events: LocalQueue; followUps: LocalQueue };
}

interface Snapshot {
  fal: ReturnType<FalEmulator['stats']>;
  archive: ReturnType<LocalQueue['counts']>;
  events: ReturnType<LocalQueue['counts']>;
  followUps: ReturnType<LocalQueue['counts']>;
}

const snapshot = ({ emulator, queues }: CostProbe): Snapshot => ({
  fal: emulator.stats(),
  archive: queues.archive.counts(),
  events: queues.events.counts(),
  followUps: queues.followUps.counts(),
});

/**
 * Starts counting: DynamoDB counters reset, the queues' and fal's counters remembered. `finish`
 * waits until every message sent meanwhile is handled (an ended job's event is delivered after its
 * last write), then answers the costs per job of the `jobs` jobs since.
 */
export function startCounting(probe: CostProbe) {
  for (const counter of probe.counters.values()) counter.reset();
  const before = snapshot(probe);
  return async (jobs: number, completed: number, limitMs: number): Promise<JobCosts> => {
    const deadline = performance.now() + limitMs;
    const { archive, events, followUps } = probe.queues;
    // the same settled point for every kind of job: nothing left in flight that it caused
    while ([archive, events, followUps].some((q) => q.counts().deleted < q.counts().sent)) {
      if (performance.now() > deadline) throw new Error('queues did not settle in time');
      await new Promise((r) => setTimeout(r, 10));
    }
    const after = snapshot(probe);
    const per = (n: number) => Math.round((n / jobs) * 100) / 100;
    const dynamo: Record<string, number> = {};
    const dynamoByFunction: Record<string, number> = {};
    const dynamoDetail: Record<string, Record<string, number>> = {};
    let dynamoTotal = 0;
    for (const [fn, counter] of probe.counters)
      for (const [key, n] of Object.entries(counter.counts())) {
        const [op, table = ''] = key.split(' ');
        const named = `${op} ${probe.tables[table] ?? table}`;
        dynamo[named] = (dynamo[named] ?? 0) + n;
        dynamoByFunction[fn] = (dynamoByFunction[fn] ?? 0) + n;
        dynamoDetail[fn] = { ...dynamoDetail[fn], [named]: per(n) };
        dynamoTotal += n;
      }
    const d = (pick: (s: Snapshot) => number) => pick(after) - pick(before);
    const submits = d((s) => s.fal.submits);
    const webhooks = d((s) => s.fal.webhookAttempts);
    // status and result reads: polls after a lost webhook, and the billed-cost read
    const reads = d((s) => s.fal.statusCalls + s.fal.resultCalls);
    const submitsByEndpoint: Record<string, number> = {};
    for (const [endpoint, n] of Object.entries(after.fal.submitsByEndpoint)) {
      const more = n - (before.fal.submitsByEndpoint[endpoint] ?? 0);
      if (more > 0) submitsByEndpoint[endpoint] = per(more);
    }
    const messages = {
      archive: per(d((s) => s.archive.sent)),
      events: per(d((s) => s.events.sent)),
      followUp: per(d((s) => s.followUps.sent)),
    };
    const invocations = {
      api: 1,
      'fal-webhook': per(webhooks),
      archiver: per(d((s) => s.archive.received)),
      'event-deliverer': per(d((s) => s.events.received)),
      'follow-up': per(d((s) => s.followUps.received)),
    };
    return {
      jobs,
      completed,
      dynamo: Object.fromEntries(Object.entries(dynamo).map(([k, n]) => [k, per(n)])),
      dynamoTotal: per(dynamoTotal),
      dynamoByFunction: Object.fromEntries(Object.entries(dynamoByFunction).map(([k, n]) => [k, per(n)])),
      dynamoDetail,
      falRequests: per(submits + webhooks + reads),
      falBreakdown: { submits: per(submits), webhooks: per(webhooks), reads: per(reads) },
      submitsByEndpoint,
      messages: { ...messages, all: per(d((s) => s.archive.sent + s.events.sent + s.followUps.sent)) },
      invocations: {
        ...invocations,
        all: Math.round(Object.values(invocations).reduce((a, b) => a + b, 0) * 100) / 100,
      },
    };
  };
}
