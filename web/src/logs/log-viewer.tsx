/**
 * One job's log: per attempt, ANSI colours, only the visible rows rendered,
 * following new lines live (sticking to the bottom unless the user scrolled
 * up), search over every loaded line, `#L123` line links, download as text.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ErrorBox } from '../components/error-box.tsx';
import { hashOfLine, lineOfHash } from './line-link.ts';
import { LogLine } from './log-row.tsx';
import { LogToolbar } from './log-toolbar.tsx';
import { firstMatchFrom, type Match } from './search.ts';
import { useLogSource } from './use-log-source.ts';
import { useSearch } from './use-search.ts';
import { ROW_HEIGHT, useVirtualRows } from './use-virtual-rows.ts';

export interface LogViewerProps {
  readonly runId: string;
  readonly jobPath: string;
  /** Number of attempts the job has had so far (the viewer offers each). */
  readonly attempts: number;
  /** True while the job may still write lines (follow live). */
  readonly live: boolean;
}

const EMPTY: never[] = [];

/** The attempts to offer: 1..attempts, plus any with lines (0 = the `pre` hook's). */
export function attemptChoices(attempts: number, withLines: Iterable<number>): number[] {
  const all = new Set<number>(withLines);
  for (let a = 1; a <= attempts; a++) all.add(a);
  return [...all].sort((a, b) => a - b);
}

/** The line targeted by the page's `#L…`, and whether to scroll to it. */
function useLineTarget(): [{ line?: number; scroll: boolean }, (line: number) => void] {
  const [target, setTarget] = useState(() => ({ line: lineOfHash(location.hash), scroll: true }));
  useEffect(() => {
    const onHash = () => setTarget({ line: lineOfHash(location.hash), scroll: true });
    window.addEventListener('hashchange', onHash);
    window.addEventListener('popstate', onHash);
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('popstate', onHash);
    };
  }, []);
  const choose = (line: number) => {
    history.replaceState(history.state, '', `${location.pathname}${location.search}${hashOfLine(line)}`);
    setTarget({ line, scroll: false });
  };
  return [target, choose];
}

/** Matches on line `line` as highlight ranges. */
function marksOf(matches: readonly Match[], line: number, current: Match | undefined) {
  const out = [];
  for (let i = firstMatchFrom(matches, line); i >= 0 && i < matches.length && matches[i]!.line === line; i++) {
    const m = matches[i]!;
    out.push({ start: m.start, end: m.end, current: m === current });
  }
  return out;
}

export function LogViewer({ runId, jobPath, attempts, live }: LogViewerProps) {
  const log = useLogSource(runId, jobPath, live);
  const choices = attemptChoices(attempts, log.attempts.keys());
  const [chosen, setChosen] = useState<number | undefined>(undefined);
  const attempt = chosen ?? choices.filter((a) => a > 0).at(-1) ?? choices.at(-1) ?? 1;
  const rows = log.attempts.get(attempt) ?? EMPTY;
  const plain = log.plain.get(attempt) ?? EMPTY;
  const search = useSearch(plain, log.version, `${jobPath}#${attempt}`);
  const [target, chooseLine] = useLineTarget();
  const [showTime, setShowTime] = useState(false);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtual = useVirtualRows(rows.length, scrollRef);
  const stick = useRef(target.line === undefined);
  const [stuck, setStuck] = useState(stick.current);

  // Follow: after new lines, stay at the bottom unless the user scrolled away.
  useEffect(() => {
    const el = scrollRef.current;
    if (el && stick.current && rows.length > 0) el.scrollTop = el.scrollHeight;
  }, [rows.length, log.version, attempt]);
  // Scroll events come a frame late, when more lines may have grown the list: only a move
  // up (the user's) lets go of the bottom; reaching the bottom again sticks.
  const lastTop = useRef(0);
  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    if (el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT * 2) stick.current = true;
    else if (el.scrollTop < lastTop.current - 1) stick.current = false;
    lastTop.current = el.scrollTop;
    if (stick.current !== stuck) setStuck(stick.current);
  };
  const followNow = () => {
    stick.current = true;
    setStuck(true);
    const el = scrollRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  };

  // `#L123`: once that line is loaded, bring it into view (once per target).
  const scrolledTo = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (!target.scroll || target.line === undefined || target.line > rows.length || scrolledTo.current === target.line) return;
    scrolledTo.current = target.line;
    stick.current = false;
    setStuck(false);
    virtual.scrollToIndex(target.line - 1, { align: 'center' });
  }, [target, rows.length, virtual]);

  // Search: bring the current match into view.
  const currentMatch = search.current >= 0 ? search.matches[search.current] : undefined;
  useEffect(() => {
    if (!currentMatch) return;
    stick.current = false;
    setStuck(false);
    virtual.scrollToIndex(currentMatch.line, { align: 'center' });
    // `seq` re-runs it when the same match is chosen again.
  }, [search.seq, currentMatch?.line]);

  const download = useMemo(() => () => downloadText(plain, `${jobPath}-attempt-${attempt}.txt`), [plain, jobPath, attempt]);
  const items = virtual.getVirtualItems();
  return (
    <div class="log-viewer" data-run={runId} data-job={jobPath} data-attempt={attempt} data-lines={rows.length}>
      <LogToolbar
        choices={choices} attempt={attempt} onAttempt={setChosen}
        search={search} showTime={showTime} onShowTime={setShowTime}
        lines={rows.length} loaded={log.loaded} following={log.following} live={live}
        stuck={stuck} onFollow={followNow} onDownload={download}
      />
      {log.error ? <ErrorBox error={log.error} title="Cannot read the log" /> : null}
      <EmptyNote rows={rows.length} loaded={log.loaded} live={live} attempts={attempts} failed={log.error !== undefined} />
      <div class="log-scroll" ref={scrollRef} onScroll={onScroll} tabIndex={0} aria-label={`log of ${jobPath}, attempt ${attempt}`} hidden={rows.length === 0}>
        <div class="log-rows" style={{ height: `${virtual.getTotalSize()}px` }}>
          {items.map((item) => (
            <LogLine
              key={item.index} row={rows[item.index]!} number={item.index + 1} top={item.start} showTime={showTime}
              marks={search.matches.length > 0 ? marksOf(search.matches, item.index, currentMatch) : EMPTY}
              target={target.line === item.index + 1} onNumber={chooseLine}
            />
          ))}
        </div>
      </div>
    </div>
  );
}

function EmptyNote({ rows, loaded, live, attempts, failed }: { rows: number; loaded: boolean; live: boolean; attempts: number; failed: boolean }) {
  if (rows > 0 || failed) return null;
  let text = 'Loading the log…';
  if (loaded) text = live ? (attempts === 0 ? 'Waiting for the job to start…' : 'No output yet.') : 'This job wrote no output.';
  return <p class="log-empty">{text}</p>;
}

/** Saves `lines` as a text file, made in the browser from the loaded lines. */
function downloadText(lines: readonly string[], name: string): void {
  const url = URL.createObjectURL(new Blob([lines.join('\n') + (lines.length ? '\n' : '')], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name.replace(/[^\w.-]+/g, '_');
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
