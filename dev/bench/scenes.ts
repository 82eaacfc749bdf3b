import { performance } from 'node:perf_hooks';
import type { Job } from '../../functions/core/domain/job.ts';
import { startBenchStack } from './bench-stack.ts';
import { round } from './stats.ts';
import type { Bench, BenchResult } from './types.ts';

/** fal's time per clip here: long against Reelay's own work, so the table shows how scenes overlap. */
const GENERATION_MS = 1_500;
const ROUNDS = 4;
const SCENES = 3;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/**
 * Time from the create's answer to the merged video archived, one at a time (latency, not
 * throughput): a single clip (the floor a sequence could reach), three scenes in parallel (each a
 * job of its own, then the merge), and three scenes with continuity (one after another, a frame
 * between them: what every sequence did before scenes ran in parallel, plus the two frames).
 */
async function run(): Promise<BenchResult> {
  const stack = await startBenchStack({ emulator: { generationMs: GENERATION_MS } });
  try {
    const post = async (path: string, body: unknown): Promise<string> => {
      const response = await fetch(`${stack.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status !== 200)
        throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
      const answer = (await response.json()) as { id: string; video_id?: string };
      return answer.video_id ?? answer.id;
    };
    const ended = async (id: string): Promise<Job> => {
      for (;;) {
        const job = await stack.deps.jobs.get(id);
        if (job?.state === 'completed' || job?.state === 'failed') return job;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const scenes = (n: number) =>
      Array.from({ length: SCENES }, (_, i) => ({ prompt: `bench scene ${i} of ${n}`, seconds: '4' }));
    const kinds = {
      'single clip': (n: number) => post('/v1/videos', { prompt: `bench clip ${n}`, seconds: '4' }),
      [`${SCENES} scenes in parallel`]: (n: number) => post('/v1/sequences', { scenes: scenes(n) }),
      [`${SCENES} scenes with continuity`]: (n: number) =>
        post('/v1/sequences', { continuity: true, scenes: scenes(n) }),
    };
    const times: Record<string, number[]> = {};
    const requests: Record<string, number> = {};
    for (let n = 0; n < ROUNDS; n++) {
      for (const [kind, create] of Object.entries(kinds)) {
        const before = stack.emulator?.stats().submits ?? 0;
        const t0 = performance.now();
        const job = await ended(await create(n));
        const ms = performance.now() - t0;
        if (job.state !== 'completed') throw new Error(`${kind} ${job.id} failed: ${job.error?.message}`);
        times[kind] = [...(times[kind] ?? []), ms];
        requests[kind] = (stack.emulator?.stats().submits ?? 0) - before;
      }
    }
    const medians = Object.fromEntries(
      Object.entries(times).map(([kind, list]) => [kind, round(median(list))]),
    );
    const single = medians['single clip'] ?? Number.NaN;
    const parallel = medians[`${SCENES} scenes in parallel`] ?? Number.NaN;
    const chained = medians[`${SCENES} scenes with continuity`] ?? Number.NaN;
    const ratio = round(chained / parallel, 2);
    return {
      columns: ['video', 'fal requests', 'median ms to completed', 'slowest ms', '÷ single clip'],
      rows: Object.entries(times).map(([kind, list]) => [
        kind,
        requests[kind] ?? 0,
        medians[kind] ?? 0,
        round(Math.max(...list)),
        round((medians[kind] ?? 0) / single, 2),
      ]),
      notes: [
        `fal's emulator takes ${GENERATION_MS} ms per clip; ${ROUNDS} of each, one at a time`,
        `${SCENES} scenes in parallel end ${round(parallel / single, 2)}× a single clip's time (the merge after them); one after another, ${ratio}× slower than in parallel`,
      ],
      data: { generationMs: GENERATION_MS, rounds: ROUNDS, medians, requests, ratio },
    };
  } finally {
    await stack.close();
  }
}

export const scenes: Bench = {
  name: 'scenes',
  title: 'Sequences: scenes in parallel against one after another',
  timeoutMs: 180_000,
  run,
};
