import { useEffect, useRef, useState } from '/assets/vendor/htm-preact.js';

/** Streams that failed to open before the studio falls back to polling (and keeps retrying slowly). */
const FAILURES_BEFORE_POLLING = 2;
const RETRY_MS = [1000, 2000, 5000, 10000, 30000];
/** Close codes that no retry can mend: a refused key (4401) or too many streams for it (4429). */
const FINAL_CODES = new Set([4401, 4400]);

/**
 * The tenant's live event stream (GET /v1/events): each event's `data` is the video object as it is
 * now, handed to `onVideo`; on every (re)connect the server first sends the unfinished videos, so a
 * dropped stream misses nothing. A minute's token from POST /v1/events/tokens rides as a subprotocol
 * (a browser's WebSocket cannot send the key, and the key never goes in a URL). Answers whether the
 * stream is up: while it is not, the caller polls.
 */
export function useLiveVideos(client, onVideo) {
  const [live, setLive] = useState(true);
  const latest = useRef(onVideo);
  latest.current = onVideo;
  useEffect(() => {
    let stopped = false;
    let socket;
    let timer;
    let failures = 0;
    const retry = (opened) => {
      if (stopped) return;
      failures = opened ? 0 : failures + 1;
      // until the first failures pile up, the page waits for the stream rather than poll at once
      if (failures >= FAILURES_BEFORE_POLLING) setLive(false);
      timer = setTimeout(open, RETRY_MS[Math.min(failures, RETRY_MS.length - 1)]);
    };
    const open = async () => {
      let grant;
      try {
        grant = await client.eventToken();
      } catch {
        retry(false);
        return;
      }
      if (stopped) return;
      let opened = false;
      socket = new WebSocket(grant.url, ['reelay-events', grant.token]);
      socket.onopen = () => {
        opened = true;
        setLive(true);
      };
      socket.onmessage = (message) => {
        try {
          const event = JSON.parse(message.data);
          if (event?.object === 'event' && event.data?.id) latest.current(event.data, event.type);
        } catch {
          // not an event: nothing to show
        }
      };
      socket.onclose = (closed) => {
        if (stopped) return;
        if (FINAL_CODES.has(closed.code)) {
          setLive(false);
          return;
        }
        retry(opened);
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
    };
  }, [client]);
  return live;
}
