import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Video } from '../../cli/client.ts';
import { createReporter, progressMode } from '../../cli/progress.ts';

/** A stream that says it is a terminal and keeps what was written. */
function fakeTerminal() {
  let written = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      written += chunk;
      done();
    },
  });
  Object.assign(stream, {
    isTTY: true,
    columns: 100,
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
  });
  return { stream, text: () => written };
}

const video = (fields: Partial<Video>): Video =>
  ({
    id: 'video_1',
    status: 'in_progress',
    progress: 40,
    created_at: 1_000,
    estimated_completion_at: 1_090,
    queue_position: null,
    ...fields,
  }) as Video;

describe('progress', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('draws a bar with percent, elapsed time and time left on a terminal', () => {
    // the bar redraws on its own timer, a few times a second
    vi.useFakeTimers();
    const terminal = fakeTerminal();
    const reporter = createReporter(terminal.stream, progressMode({ isTTY: true }, false));
    reporter.update(video({ status: 'queued', progress: 0, queue_position: 2 }), 1_002_000);
    vi.advanceTimersByTime(500);
    reporter.update(video({}), 1_030_000);
    vi.advanceTimersByTime(500);
    reporter.update(video({ status: 'completed', progress: 100, estimated_completion_at: null }), 1_060_000);
    reporter.stop();
    const text = terminal.text();
    expect(text).toContain('0% | Queued, number 2 in line | 2 s elapsed · about 1 min 28 s left');
    expect(text).toContain('40% | In progress | 30 s elapsed · about 1 min left');
    expect(text).toMatch(/█{10}░{14} 40%/);
    expect(text).toMatch(/█{24} 100% \| Ready/);
  });

  it('writes one plain line per change when not on a terminal, and nothing with --json', () => {
    expect(progressMode({ isTTY: false }, false)).toBe('lines');
    expect(progressMode({ isTTY: true }, true)).toBe('none');
    let written = '';
    const stream = new Writable({
      write(chunk, _encoding, done) {
        written += chunk;
        done();
      },
    });
    const reporter = createReporter(stream, 'lines');
    reporter.update(video({}), 1_030_000);
    reporter.update(video({}), 1_032_000);
    reporter.update(video({ progress: 50 }), 1_034_000);
    expect(written).toBe(
      'video_1 In progress, 40 % · 30 s elapsed · about 1 min left\nvideo_1 In progress, 50 % · 34 s elapsed · about 56 s left\n',
    );
  });
});
