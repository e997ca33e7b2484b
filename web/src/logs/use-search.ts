/** Search state of the viewer: the box's text (debounced), case option, all matches, and the current one. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { findMatches, stepMatch, type Match } from './search.ts';

export interface SearchState {
  readonly text: string;
  readonly setText: (text: string) => void;
  readonly matchCase: boolean;
  readonly setMatchCase: (on: boolean) => void;
  readonly matches: readonly Match[];
  /** Index into `matches`, -1 for none. */
  readonly current: number;
  /** Moves to the next (or previous) match; `seq` changes so the viewer scrolls even to the same one. */
  readonly step: (backwards: boolean) => void;
  readonly seq: number;
}

/** `lines` are the shown attempt's plain lines; `version` changes when lines arrive. */
export function useSearch(lines: readonly string[], version: number, scope: string): SearchState {
  const [text, setText] = useState('');
  const [needle, setNeedle] = useState('');
  const [matchCase, setMatchCase] = useState(false);
  const [current, setCurrent] = useState(-1);
  const [seq, setSeq] = useState(0);
  useEffect(() => {
    const t = setTimeout(() => setNeedle(text), 120);
    return () => clearTimeout(t);
  }, [text]);
  // `lines` grows in place: `version` says when.
  const matches = useMemo(() => findMatches(lines, needle, { matchCase }), [lines, version, needle, matchCase]);
  // A new search (or attempt) starts at its first match; new lines keep the current one.
  useEffect(() => {
    setCurrent(matches.length > 0 ? 0 : -1);
    setSeq((n) => n + 1);
  }, [needle, matchCase, scope, matches.length > 0]);
  return {
    text, setText, matchCase, setMatchCase, matches, current, seq,
    step: (backwards) => {
      setCurrent((c) => stepMatch(c, matches.length, backwards));
      setSeq((n) => n + 1);
    },
  };
}
