import { useEffect, useRef } from '/assets/vendor/htm-preact.js';

const POLL_MS = 3000;
const MAX_POLL_MS = 15000;
const isActive = (video) => video.status === 'queued' || video.status === 'in_progress';

/**
 * The fallback when the live stream cannot connect (`enabled`): while any shown video runs, asks for
 * the newest page that holds them all, in one request (a request per video would spend a key's rate
 * limit), backing off from every 3 s to every 15 s; a 429 waits as long as it says.
 */
export function useActivePolling(client, videos, onPage, enabled = true) {
  const latest = useRef(videos);
  latest.current = videos;
  const running = enabled && videos.some(isActive);
  useEffect(() => {
    if (!running) return;
    let interval = POLL_MS;
    let stopped = false;
    let timer;
    const poll = async () => {
      interval = Math.min(MAX_POLL_MS, Math.round(interval * 1.5));
      let wait = interval;
      const shown = latest.current;
      const lastActive = shown.findLastIndex(isActive);
      try {
        if (lastActive >= 0)
          onPage(await client.list(undefined, Math.min(100, Math.max(12, lastActive + 1))));
      } catch (error) {
        if (error.retryAfter) wait = error.retryAfter * 1000;
      }
      if (!stopped) timer = setTimeout(poll, wait);
    };
    timer = setTimeout(poll, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [client, running]);
}
