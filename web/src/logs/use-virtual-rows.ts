/**
 * Windowing of the log rows by `@tanstack/virtual-core` (the framework-free
 * core of TanStack Virtual): only the rows in view (plus an overscan) exist
 * in the DOM. Rows have one fixed height (a log line does not wrap; long
 * lines scroll sideways), so no row needs measuring and 100,000 rows cost
 * the same as 100.
 */
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect, type VirtualizerOptions } from '@tanstack/virtual-core';
import type { RefObject } from 'preact';
import { useLayoutEffect, useReducer, useState } from 'preact/hooks';

/** The height of a log row in CSS pixels (matches `.log-line` in styles.css). */
export const ROW_HEIGHT = 18;

export function useVirtualRows(count: number, scrollRef: RefObject<HTMLDivElement | null>): Virtualizer<HTMLDivElement, HTMLDivElement> {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const options: VirtualizerOptions<HTMLDivElement, HTMLDivElement> = {
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    scrollToFn: elementScroll,
    observeElementRect,
    observeElementOffset,
    overscan: 15,
    onChange: () => rerender(undefined),
  };
  const [virtualizer] = useState(() => new Virtualizer(options));
  virtualizer.setOptions(options);
  useLayoutEffect(() => virtualizer._didMount(), [virtualizer]);
  useLayoutEffect(() => virtualizer._willUpdate());
  return virtualizer;
}
