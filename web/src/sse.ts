/**
 * Server-sent events with reconnection: the browser's EventSource retries
 * network drops itself but gives up on an HTTP error or a closed stream
 * that did not say `end`; this retries those too, with backoff, and stops
 * for good once the server sent `end` or the caller closed it.
 */
export interface StreamHandlers {
  /** Named events (`status`, `line`, `runs`, …): their parsed JSON data. */
  readonly on: Record<string, (data: unknown, id: string) => void>;
  /** The stream ended on purpose (the server's `end` event). */
  readonly onEnd?: (data: unknown) => void;
  /** Connected (true) or waiting to reconnect (false). */
  readonly onConnection?: (connected: boolean) => void;
}

export interface Stream {
  close(): void;
}

/** Follows `url`; `resumeUrl(lastId)` gives the URL to reconnect with (default: the same). */
export function follow(url: string, handlers: StreamHandlers, resumeUrl: (lastId: string) => string = () => url): Stream {
  let source: EventSource | undefined;
  let closed = false;
  let lastId = '';
  let delay = 500;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = (target: string) => {
    source = new EventSource(target);
    source.onopen = () => {
      delay = 500;
      handlers.onConnection?.(true);
    };
    for (const [name, fn] of Object.entries(handlers.on)) {
      source.addEventListener(name, (e) => {
        const ev = e as MessageEvent<string>;
        if (ev.lastEventId) lastId = ev.lastEventId;
        fn(JSON.parse(ev.data), ev.lastEventId);
      });
    }
    source.addEventListener('end', (e) => {
      closed = true;
      source?.close();
      handlers.onEnd?.(JSON.parse((e as MessageEvent<string>).data));
    });
    source.onerror = () => {
      if (closed) return;
      handlers.onConnection?.(false);
      if (source?.readyState === EventSource.CLOSED) {
        timer = setTimeout(() => connect(lastId ? resumeUrl(lastId) : url), delay);
        delay = Math.min(delay * 2, 10_000);
      }
    };
  };
  connect(url);
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      source?.close();
    },
  };
}
