/** One rendered log line: its number (a `#L` link), optional time, stream, and the styled text. */
import { ansiSegments, markSegments, type MarkRange, type Segment } from './ansi.ts';
import { hashOfLine } from './line-link.ts';
import type { LogRow } from './log-source.ts';
import { ROW_HEIGHT } from './use-virtual-rows.ts';

export interface LogLineProps {
  readonly row: LogRow;
  /** 1-based line number within the shown attempt. */
  readonly number: number;
  readonly top: number;
  readonly showTime: boolean;
  readonly marks: readonly MarkRange[];
  readonly target: boolean;
  readonly onNumber: (line: number) => void;
}

function clock(ts: number): string {
  const d = new Date(ts);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function SegmentSpan({ seg }: { seg: Segment }) {
  const style: Record<string, string> = {};
  if (seg.fg) style.color = seg.fg;
  if (seg.bg) style.background = seg.bg;
  const cls = [seg.bold && 'b', seg.dim && 'dim', seg.italic && 'i', seg.underline && 'u', seg.mark && 'match', seg.current && 'current'].filter(Boolean).join(' ');
  return <span class={cls || undefined} style={style}>{seg.text}</span>;
}

export function LogLine({ row, number, top, showTime, marks, target, onNumber }: LogLineProps) {
  const segments = markSegments(ansiSegments(row.text), marks);
  const cls = ['log-line', row.stream === 'stderr' ? 'stderr' : '', target ? 'target' : ''].filter(Boolean).join(' ');
  const onClick = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    onNumber(number);
  };
  return (
    <div class={cls} data-line={number} style={{ transform: `translateY(${top}px)`, height: `${ROW_HEIGHT}px` }}>
      <a class="ln" href={hashOfLine(number)} onClick={onClick}>{number}</a>
      {showTime ? <span class="ts">{clock(row.ts)}</span> : null}
      {row.stream === 'stderr' ? <span class="err" title="standard error">err</span> : null}
      <span class="txt">{segments.map((seg, i) => <SegmentSpan key={i} seg={seg} />)}</span>
    </div>
  );
}
