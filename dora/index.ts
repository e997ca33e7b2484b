/** DORA metrics from records (docs/dora.md). */
export { computeDora, weekStart, type DoraInput } from './compute.ts';
export { DoraQueryError } from './errors.ts';
export { DEFAULT_WINDOW_MS, resolveWindow, selectEnvironments, type DoraWindow, type ScopedEnvironment } from './scope.ts';
