import { useEffect, useRef } from '/assets/vendor/htm-preact.js';

const POLL_MS = 3000;
const isActive = (video) => video.status === 'queued' || video.status === 'in_progress';

/**
 * While any shown video runs, asks for the newest page that holds them all, in one request every few
 * seconds (a request per video would spend a key's rate limit); a 429 waits as long as it says.
 */
export function useActivePolling(client, videos, onPage) {
  const latest = useRef(videos);
  latest.current = videos;
  const running = videos.some(isActive);
  useEffect(() => {
    if (!running) return;
    let stopped = false;
    let timer;
    const poll = async () => {
      let wait = POLL_MS;
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
