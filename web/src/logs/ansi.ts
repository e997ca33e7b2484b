/**
 * ANSI escape sequences of a log line → styled text segments, by `anser`
 * (8/16, 256 and truecolor SGR codes, bold/italic/underline…, reset), so the
 * viewer renders spans with inline colours and never inserts log text as HTML.
 */
import Anser from 'anser';

export interface Segment {
  readonly text: string;
  /** `rgb(r, g, b)` or undefined for the default colour. */
  readonly fg?: string;
  readonly bg?: string;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly italic?: boolean;
  readonly underline?: boolean;
  /** Part of a search match. */
  readonly mark?: boolean;
  /** Part of the current search match. */
  readonly current?: boolean;
}

// Any CSI (colour, cursor, erase …) or OSC sequence: removed for the plain text.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** The line as a person reads it: no escape sequences (what search and download use). */
export function plainText(text: string): string {
  return text.includes('\u001b') ? text.replace(ESCAPES, '') : text;
}

const rgb = (c: string | null | undefined) => (c ? `rgb(${c})` : undefined);

/**
 * The basic colours as anser gives them are the old xterm ones, made for a light
 * page: on the viewer's dark background dark red or blue text is hard to read, and
 * black is invisible. Foregrounds in those colours take a terminal's dark-theme ones.
 */
const ON_DARK: Record<string, string> = {
  '0, 0, 0': '118, 118, 118', '187, 0, 0': '241, 76, 76', '0, 187, 0': '35, 209, 139', '187, 187, 0': '229, 229, 16',
  '0, 0, 187': '59, 142, 234', '187, 0, 187': '214, 112, 214', '0, 187, 187': '41, 184, 219', '85, 85, 255': '102, 153, 255',
};

/** The styled segments of a line (one plain segment when it has no escapes). */
export function ansiSegments(text: string): Segment[] {
  if (!text.includes('\u001b')) return text === '' ? [] : [{ text }];
  const out: Segment[] = [];
  for (const e of Anser.ansiToJson(text, { remove_empty: true })) {
    const content = plainText(e.content); // sequences anser does not style (cursor moves) are dropped
    if (content === '') continue;
    const d = new Set(e.decorations);
    const seg: { -readonly [K in keyof Segment]: Segment[K] } = { text: content };
    const fg = rgb(e.fg === null ? null : (ON_DARK[e.fg] ?? e.fg));
    const bg = rgb(e.bg);
    if (fg) seg.fg = fg;
    if (bg) seg.bg = bg;
    if (d.has('bold')) seg.bold = true;
    if (d.has('dim')) seg.dim = true;
    if (d.has('italic')) seg.italic = true;
    if (d.has('underline')) seg.underline = true;
    out.push(seg);
  }
  return out;
}

/** A range of a line's plain text to highlight. */
export interface MarkRange {
  readonly start: number;
  readonly end: number;
  readonly current?: boolean;
}

/** Splits segments at the ranges (offsets into the joined plain text) and flags the parts inside. */
export function markSegments(segments: readonly Segment[], ranges: readonly MarkRange[]): Segment[] {
  if (ranges.length === 0) return [...segments];
  const out: Segment[] = [];
  let offset = 0;
  for (const seg of segments) {
    const end = offset + seg.text.length;
    const cuts = new Set<number>([offset, end]);
    for (const r of ranges) {
      if (r.start > offset && r.start < end) cuts.add(r.start);
      if (r.end > offset && r.end < end) cuts.add(r.end);
    }
    const points = [...cuts].sort((a, b) => a - b);
    for (let i = 0; i < points.length - 1; i++) {
      const a = points[i]!;
      const b = points[i + 1]!;
      const hit = ranges.find((r) => r.start <= a && b <= r.end);
      const text = seg.text.slice(a - offset, b - offset);
      out.push(hit ? { ...seg, text, mark: true, ...(hit.current ? { current: true } : {}) } : { ...seg, text });
    }
    offset = end;
  }
  return out;
}
