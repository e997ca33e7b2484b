/** The viewer's controls: attempt, search (count, previous/next), time, follow, download. */
import { matchLabel } from './search.ts';
import type { SearchState } from './use-search.ts';

export interface LogToolbarProps {
  readonly choices: readonly number[];
  readonly attempt: number;
  readonly onAttempt: (attempt: number) => void;
  readonly search: SearchState;
  readonly showTime: boolean;
  readonly onShowTime: (on: boolean) => void;
  readonly lines: number;
  readonly loaded: boolean;
  readonly following: boolean;
  readonly live: boolean;
  /** The view sticks to the newest line. */
  readonly stuck: boolean;
  readonly onFollow: () => void;
  readonly onDownload: () => void;
}

const attemptName = (a: number) => (a === 0 ? 'pre hook' : `attempt ${a}`);

export function LogToolbar(p: LogToolbarProps) {
  const { search } = p;
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    search.step(e.shiftKey);
  };
  const none = search.matches.length === 0;
  return (
    <div class="log-toolbar">
      <label>
        Attempt{' '}
        <select aria-label="attempt" value={p.attempt} onChange={(e) => p.onAttempt(Number(e.currentTarget.value))} disabled={p.choices.length < 2}>
          {p.choices.map((a) => <option key={a} value={a}>{attemptName(a)}</option>)}
        </select>
      </label>
      <span class="log-search">
        <input type="search" placeholder="Search the log" aria-label="search the log" value={search.text} onInput={(e) => search.setText(e.currentTarget.value)} onKeyDown={onKey} />
        {search.text ? <span class="log-count" aria-live="polite">{matchLabel(search.current, search.matches.length)}</span> : null}
        <button type="button" title="previous match (Shift+Enter)" aria-label="previous match" disabled={none} onClick={() => search.step(true)}>↑</button>
        <button type="button" title="next match (Enter)" aria-label="next match" disabled={none} onClick={() => search.step(false)}>↓</button>
        <label title="match upper and lower case exactly">
          <input type="checkbox" checked={search.matchCase} onChange={(e) => search.setMatchCase(e.currentTarget.checked)} /> Match case
        </label>
      </span>
      <label>
        <input type="checkbox" checked={p.showTime} onChange={(e) => p.onShowTime(e.currentTarget.checked)} /> Times
      </label>
      <span class="log-status">
        {p.lines.toLocaleString('en')} {p.lines === 1 ? 'line' : 'lines'}
        {!p.loaded ? ' · loading…' : p.following ? ' · following' : p.live ? ' · connecting…' : ''}
      </span>
      {p.live && !p.stuck && p.lines > 0 ? <button type="button" onClick={p.onFollow}>Follow new lines</button> : null}
      <button type="button" onClick={p.onDownload} disabled={p.lines === 0}>Download</button>
    </div>
  );
}
