import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { serveTask } from '../child.ts';
import type { LoadRequest, LoadResult, LoadSpec } from './protocol.ts';

/** The load generator's own process: it must not share an event loop (or a core) with the server it measures. */
function send(agent: Agent, spec: LoadSpec, item: LoadRequest): Promise<number> {
  return new Promise((resolve) => {
    const body = item.body === undefined ? undefined : Buffer.from(item.body);
    const req = request(
      {
        host: '127.0.0.1',
        port: spec.port,
        method: item.method,
        path: item.path,
        agent,
        timeout: spec.requestTimeoutMs,
        headers: { ...item.headers, ...(body && { 'content-length': String(body.length) }) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(-1));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(-1));
    req.end(body);
  });
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const { mode } = spec;
  const sockets = mode.kind === 'closed' ? mode.concurrency : 512;
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const result: LoadResult = { sent: 0, answered: 0, errors: 0, statuses: {}, elapsedMs: 0, latenciesMs: [] };
  const start = performance.now();
  const stopAt = start + spec.maxMs;
  const record = (status: number, from: number) => {
    if (status < 0) result.errors++;
    else {
      result.answered++;
      result.statuses[status] = (result.statuses[status] ?? 0) + 1;
      result.latenciesMs.push(performance.now() - from);
    }
  };

  let next = 0;
  if (mode.kind === 'closed') {
    const lane = async () => {
      while ((spec.cycle || next < spec.requests.length) && performance.now() < stopAt) {
        const item = spec.requests[next++ % spec.requests.length] as LoadRequest;
        result.sent++;
        const from = performance.now();
        record(await send(agent, spec, item), from);
      }
    };
    await Promise.all(Array.from({ length: mode.concurrency }, lane));
  } else {
    const gapMs = 1000 / mode.ratePerSecond;
    const pending: Promise<void>[] = [];
    while (next < spec.requests.length) {
      const due = start + next * gapMs;
      if (due > stopAt) break;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const item = spec.requests[next++] as LoadRequest;
      result.sent++;
      // measured from the scheduled time, so a stalled server cannot hide its queueing (coordinated omission)
      pending.push(send(agent, spec, item).then((status) => record(status, due)));
    }
    await Promise.all(pending);
  }
  result.elapsedMs = performance.now() - start;
  agent.destroy();
  return result;
}

serveTask(run);
