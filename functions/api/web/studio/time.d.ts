// Types of time.js, which the studio loads as it is and the CLI (cli/progress.ts) imports too.
export interface TimedVideo {
  status: 'queued' | 'in_progress' | 'completed' | 'failed';
  progress: number;
  created_at: number;
  estimated_completion_at: number | null;
  queue_position: number | null;
}
export function formatDuration(totalSeconds: number): string;
export function timing(video: TimedVideo, nowMs: number): string;
export function statusLine(video: TimedVideo): string;
