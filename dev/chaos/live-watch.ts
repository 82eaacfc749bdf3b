import WebSocket from 'ws';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isFinal = (type: string) => type === 'video.completed' || type === 'video.failed';

/** What the watching client saw: event types per video, and how its stream fared across the kills. */
export interface LiveEvidence {
  /** Per video, the event types received on the held stream, in order. */
  seen: Map<string, string[]>;
  /** Videos whose final event came only to a stream opened afterwards for that video (`?video_id=`). */
  caughtUp: Set<string>;
  /** Times the held stream was opened again after it dropped (a kill, a restart). */
  reconnects: number;
}

/**
 * A client holding the tenant's event stream open through the chaos run, as the studio does: when the
 * service is killed the stream drops and the client opens it again (its greeting brings the unfinished
 * videos back). At the end, a video whose final event it missed (it ended while the stream was down)
 * is asked for on a stream of its own, whose greeting carries the video's state whatever it is.
 */
export class LiveWatch {
  private readonly seen = new Map<string, string[]>();
  private readonly caughtUp = new Set<string>();
  private reconnects = 0;
  private opens = 0;
  private stopped = false;
  private socket: WebSocket | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly apiKey: string,
  ) {}

  private stream(query = ''): WebSocket {
    return new WebSocket(`${this.url.replace(/^http/, 'ws')}/v1/events${query}`, {
      headers: { authorization: `Bearer ${this.apiKey}` },
    });
  }

  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        const socket = this.stream();
        this.socket = socket;
        socket.on('message', (data) => {
          const event = JSON.parse(String(data)) as { type: string; data: { id: string } };
          this.seen.set(event.data.id, [...(this.seen.get(event.data.id) ?? []), event.type]);
        });
        socket.on('open', () => {
          if (this.opens++ > 0) this.reconnects++;
        });
        socket.on('error', () => undefined);
        await new Promise((resolve) => socket.on('close', resolve));
        if (!this.stopped) await sleep(200);
      }
    })();
  }

  /** Asks for each video whose final event the held stream missed, one stream per video. */
  async catchUp(finals: Map<string, string>): Promise<void> {
    for (const [id, want] of finals) {
      if ((this.seen.get(id) ?? []).includes(want)) continue;
      const got = await new Promise<boolean>((resolve) => {
        const socket = this.stream(`?video_id=${id}`);
        const timer = setTimeout(() => socket.terminate(), 5_000);
        socket.on('message', (data) => {
          const event = JSON.parse(String(data)) as { type: string; data: { id: string } };
          if (event.data.id !== id || !isFinal(event.type)) return;
          clearTimeout(timer);
          socket.close();
          resolve(event.type === want);
        });
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(false));
      });
      if (got) this.caughtUp.add(id);
    }
  }

  async stop(): Promise<LiveEvidence> {
    this.stopped = true;
    this.socket?.close();
    await this.loop;
    return { seen: this.seen, caughtUp: this.caughtUp, reconnects: this.reconnects };
  }
}
