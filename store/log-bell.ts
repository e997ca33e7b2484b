/**
 * Wakes the log followers of a run when lines were appended to it through the
 * same store object (`coflow dev`: the worker and the API share one store),
 * so a follower shows a stored line at once instead of at its next poll.
 * Followers keep polling: appends from another process (the production
 * topology's worker) are found at the next poll — or, on PostgreSQL, as soon
 * as their notification arrives (store/postgres/log-listener.ts).
 *
 * A follower subscribes before its first read: a ring between a read and the
 * wait that follows is kept, so the wait returns at once and no line waits a
 * whole poll.
 */

export interface LogWaiter {
  /** Resolves after `ms`, on an abort, or as soon as lines were appended to the run since the last wait. */
  wait(ms: number, signal?: AbortSignal): Promise<void>;
  close(): void;
}

interface Subscriber {
  rung: boolean;
  wake?: () => void;
}

export class LogBell {
  readonly #subscribers = new Map<string, Set<Subscriber>>();
  readonly #onActive: ((active: boolean) => void) | undefined;
  #count = 0;

  /** `onActive(true)` when the first follower subscribes, `onActive(false)` when the last one leaves. */
  constructor(onActive?: (active: boolean) => void) {
    this.#onActive = onActive;
  }

  /** Lines were appended to `runId`. */
  ring(runId: string): void {
    for (const s of this.#subscribers.get(runId) ?? []) {
      s.rung = true;
      s.wake?.();
    }
  }

  subscribe(runId: string): LogWaiter {
    const self: Subscriber = { rung: false };
    let set = this.#subscribers.get(runId);
    if (set === undefined) this.#subscribers.set(runId, (set = new Set()));
    set.add(self);
    if (++this.#count === 1) this.#onActive?.(true);
    let open = true;
    return {
      wait: (ms, signal) => new Promise<void>((resolve) => {
        if (self.rung || signal?.aborted === true) {
          self.rung = false;
          resolve();
          return;
        }
        const done = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          delete self.wake;
          self.rung = false;
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
        self.wake = done;
      }),
      close: () => {
        if (!open) return;
        open = false;
        if (--this.#count === 0) this.#onActive?.(false);
        set.delete(self);
        if (set.size === 0 && this.#subscribers.get(runId) === set) this.#subscribers.delete(runId);
      },
    };
  }
}
