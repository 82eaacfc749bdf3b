// Elapsed time and time left, as people read them. Pure: unit-tested in node.

/** 42 → "42 s", 125 → "2 min 5 s", 3720 → "1 h 2 min". */
export function formatDuration(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const minutes = Math.floor((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
}

/** What a running video's card says about time: elapsed, and left from estimated_completion_at. */
export function timing(video, nowMs) {
  const now = nowMs / 1000;
  const elapsed = `${formatDuration(now - video.created_at)} elapsed`;
  if (!video.estimated_completion_at) return elapsed;
  const left = video.estimated_completion_at - now;
  if (left < 1) return `${elapsed} · finishing, taking a little longer than estimated`;
  return `${elapsed} · about ${formatDuration(Math.ceil(left))} left`;
}

/** The status line a screen reader hears: status, place in the queue, progress in steps of 10 %. */
export function statusLine(video) {
  if (video.status === 'queued') {
    return video.queue_position ? `Queued, number ${video.queue_position} in line` : 'Queued, starting soon';
  }
  if (video.status === 'in_progress') return `In progress, ${Math.floor(video.progress / 10) * 10} %`;
  if (video.status === 'completed') return 'Ready';
  return 'Failed';
}
