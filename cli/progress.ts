import { SingleBar } from 'cli-progress';
import { statusLine, timing } from '../functions/api/web/studio/time.js';
import type { Video } from './client.ts';

/** Shows a waiting video: a live bar on a terminal, a line per change otherwise, nothing with --json. */
export interface ProgressReporter {
  update(video: Video, nowMs: number): void;
  stop(): void;
}

export type ProgressMode = 'bar' | 'lines' | 'none';

export function progressMode(stream: { isTTY?: boolean }, json: boolean): ProgressMode {
  if (json) return 'none';
  return stream.isTTY ? 'bar' : 'lines';
}

export function createReporter(stream: NodeJS.WritableStream, mode: ProgressMode): ProgressReporter {
  if (mode === 'none') return { update() {}, stop() {} };
  if (mode === 'lines') {
    let last = '';
    return {
      update(video, nowMs) {
        const state = video.status === 'in_progress' ? `In progress, ${video.progress} %` : statusLine(video);
        // a line when the state or percent moves, not every poll: logs stay short
        if (state === last) return;
        last = state;
        const time =
          video.status === 'queued' || video.status === 'in_progress' ? ` · ${timing(video, nowMs)}` : '';
        stream.write(`${video.id} ${state}${time}\n`);
      },
      stop() {},
    };
  }
  const bar = new SingleBar({
    format: '{bar} {percentage}% | {state} | {timing}',
    stream,
    hideCursor: true,
    clearOnComplete: false,
    barsize: 24,
    barCompleteChar: '█',
    barIncompleteChar: '░',
    // the bar redraws from each update; no timer of its own that would keep the process alive
    fps: 5,
  });
  let started = false;
  return {
    update(video, nowMs) {
      const active = video.status === 'queued' || video.status === 'in_progress';
      const payload = {
        state: video.status === 'in_progress' ? 'In progress' : statusLine(video),
        timing: active ? timing(video, nowMs) : '',
      };
      if (!started) {
        bar.start(100, video.progress, payload);
        started = true;
      } else bar.update(video.progress, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
