/** What Docker shows of one run's containers, for the tests that count them. */
import { execFileSync } from 'node:child_process';
import type { RunCensus } from './worker-loss-suite.ts';

/** A run's containers by Docker: created ones from the event log (removed ones included), existing ones from `docker ps -a`. */
export function dockerCensus(runId: string): RunCensus {
  const since = Date.now();
  const lines = (args: string[]): string[] => execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean);
  return {
    created: () =>
      Promise.resolve(
        lines(['events', '--since', String(Math.floor(since / 1000) - 1), '--until', String(Math.ceil(Date.now() / 1000) + 1),
          '--filter', 'type=container', '--filter', 'event=create', '--filter', `label=coflow.run=${runId}`, '--format', '{{.Actor.ID}}']),
      ),
    existing: () => Promise.resolve(lines(['ps', '-a', '--no-trunc', '--filter', `label=coflow.run=${runId}`, '--format', '{{.ID}}'])),
    stop: () => undefined,
  };
}

