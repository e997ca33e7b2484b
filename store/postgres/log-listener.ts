/**
 * Log followers woken across processes on PostgreSQL: an append's statement
 * notifies `coflow_logs` with the run id, delivered when it commits; a store that has
 * followers LISTENs on a connection of its own (outside the pool) and rings
 * its bell for each run named. Only a speed-up: followers keep polling, so a
 * lost notification or listening connection costs at most one poll. The
 * connection is opened when the first follower subscribes and closed when the
 * last one leaves; a connection lost while followers remain is opened again.
 */
import pg from 'pg';
import type { LogBell } from '../log-bell.ts';

export const LOG_CHANNEL = 'coflow_logs';
const RECONNECT_MS = 1_000;

export class LogListener {
  readonly #url: string;
  #bell: LogBell | undefined;
  #client: pg.Client | undefined;
  #active = false;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;

  constructor(url: string) {
    this.#url = url;
  }

  /** The bell rung for each notification. */
  ring(bell: LogBell): void {
    this.#bell = bell;
  }

  /** Listens while `active` (some follower waits), and not after close(). */
  setActive(active: boolean): void {
    this.#active = active;
    if (active && this.#client === undefined && !this.#closed) this.#open();
    if (!active) this.#drop();
  }

  close(): void {
    this.#closed = true;
    this.#drop();
  }

  #open(): void {
    const client = new pg.Client({ connectionString: this.#url, application_name: 'coflow-log-listener' });
    this.#client = client;
    client.on('notification', (n) => {
      if (n.payload) this.#bell?.ring(n.payload);
    });
    const lost = (): void => {
      if (this.#client !== client) return;
      this.#client = undefined;
      void client.end().catch(() => undefined);
      if (this.#active && !this.#closed) this.#retry ??= setTimeout(() => {
        this.#retry = undefined;
        if (this.#active && !this.#closed && this.#client === undefined) this.#open();
      }, RECONNECT_MS);
    };
    client.on('error', lost);
    client.on('end', lost);
    client.connect().then(() => client.query(`LISTEN ${LOG_CHANNEL}`)).catch(lost);
  }

  #drop(): void {
    clearTimeout(this.#retry);
    this.#retry = undefined;
    const client = this.#client;
    this.#client = undefined;
    void client?.end().catch(() => undefined);
  }
}
