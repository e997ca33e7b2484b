/**
 * One job's log as the viewer holds it: the stored lines paged in large
 * pages, then, while the job is live, new lines over SSE from the last
 * cursor (a reconnect resumes after the last line received: no gaps, no
 * duplicates). Lines are kept per attempt; listeners hear of changes at most
 * once per animation frame, so 100,000 lines arriving do not re-render 100,000 times.
 */
import type { LogPage, StoredLogLine } from '../../../contracts/logs.ts';
import { api, query, runPath } from '../api.ts';
import { follow, type Stream } from '../sse.ts';
import { plainText } from './ansi.ts';

/** The API's largest page (`limit` of `GET …/logs`). */
export const PAGE_LIMIT = 10_000;

export interface LogRow {
  readonly seq: number;
  readonly stream: StoredLogLine['stream'];
  readonly ts: number;
  /** As stored (ANSI escapes included). */
  readonly text: string;
}

export interface LogState {
  /** Rows per attempt, in order. */
  readonly attempts: ReadonlyMap<number, LogRow[]>;
  /** Plain text (no escapes) of the rows, per attempt, for search and download. */
  readonly plain: ReadonlyMap<number, string[]>;
  /** Every stored line so far has been read (paging finished). */
  readonly loaded: boolean;
  /** Following new lines over SSE and connected. */
  readonly following: boolean;
  readonly error?: unknown;
  /** Changes on every update (a render key). */
  readonly version: number;
}

export class LogSource {
  private readonly rows = new Map<number, LogRow[]>();
  private readonly plain = new Map<number, string[]>();
  private cursor = 0;
  private loaded = false;
  private following = false;
  private error: unknown;
  private version = 0;
  private stream: Stream | undefined;
  private generation = 0;
  private frame: number | undefined;
  private readonly listeners = new Set<() => void>();

  private readonly runId: string;
  private readonly jobPath: string;

  constructor(runId: string, jobPath: string) {
    this.runId = runId;
    this.jobPath = jobPath;
  }

  state(): LogState {
    return { attempts: this.rows, plain: this.plain, loaded: this.loaded, following: this.following, error: this.error, version: this.version };
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  /** Reads what is stored from the last cursor; then follows while `live`. Calling again switches modes. */
  start(live: boolean): void {
    const gen = ++this.generation;
    this.stream?.close();
    this.stream = undefined;
    void this.pageAll(gen).then((ok) => {
      if (ok && live && gen === this.generation) this.followFrom(gen);
    });
  }

  stop(): void {
    this.generation++;
    this.stream?.close();
    this.stream = undefined;
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = undefined;
  }

  private async pageAll(gen: number): Promise<boolean> {
    const base = `${runPath(this.runId)}/logs`;
    try {
      for (;;) {
        const page = await api<LogPage>(base + query({ job: this.jobPath, after: this.cursor, limit: PAGE_LIMIT }));
        if (gen !== this.generation) return false;
        for (const line of page.lines) this.add(line);
        this.cursor = Math.max(this.cursor, page.next);
        if (page.lines.length < PAGE_LIMIT) break;
        this.changed();
      }
      this.loaded = true;
      this.error = undefined;
      this.changed();
      return true;
    } catch (err) {
      if (gen !== this.generation) return false;
      this.error = err;
      this.changed();
      return false;
    }
  }

  private followFrom(gen: number): void {
    const url = (after: number) => `/api/v1${runPath(this.runId)}/logs/stream${query({ job: this.jobPath, after })}`;
    this.stream = follow(
      url(this.cursor),
      {
        on: {
          line: (data, id) => {
            if (gen !== this.generation) return;
            const cursor = Number(id);
            if (cursor <= this.cursor) return; // already have it
            this.cursor = cursor;
            this.add(data as StoredLogLine);
            this.changed();
          },
        },
        onConnection: (connected) => {
          if (gen !== this.generation) return;
          this.following = connected;
          this.changed();
        },
        onEnd: () => {
          if (gen !== this.generation) return;
          this.following = false;
          this.changed();
        },
      },
      (lastId) => url(Math.max(Number(lastId), this.cursor)),
    );
  }

  private add(line: StoredLogLine): void {
    let rows = this.rows.get(line.attempt);
    let plain = this.plain.get(line.attempt);
    if (!rows || !plain) {
      rows = [];
      plain = [];
      this.rows.set(line.attempt, rows);
      this.plain.set(line.attempt, plain);
    }
    rows.push({ seq: line.seq, stream: line.stream, ts: line.ts, text: line.text });
    plain.push(plainText(line.text));
  }

  /** Tells listeners on the next animation frame (once, however many lines came). */
  private changed(): void {
    this.version++;
    if (this.frame !== undefined) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = undefined;
      for (const l of this.listeners) l();
    });
  }
}
