/** A runner that starts no container: isolates coflow's orchestration cost in the benchmarks. */
import type { JobRunner } from '../../activities/runner.ts';

export const noopRunner: JobRunner = {
  kind: 'noop',
  run: () => Promise.resolve({ exitCode: 0, timedOut: false, cancelled: false }),
};
