/**
 * The test cluster (scripts/k8s/cluster.sh) for a benchmark: started when
 * none of its parts runs, and then stopped again by the bench's teardown
 * (unless COFLOW_BENCH_KEEP=1); a cluster that already ran, even in part, is
 * someone else's (the kubernetes tests') and is left running.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { Teardown } from './teardown.ts';

const script = join(resolve(import.meta.dirname, '../..'), 'scripts/k8s/cluster.sh');

/** True when any of the cluster's components runs (`status` prints "<name>: running (pid …)"). */
export function clusterRunning(): boolean {
  const status = spawnSync('bash', [script, 'status'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return /: running \(pid \d+\)/.test(status.stdout);
}

/** Makes sure the cluster runs; returns its admin kubeconfig. */
export function ensureCluster(teardown: Teardown): string {
  if (clusterRunning()) {
    process.stderr.write('bench: the test cluster was already running: leaving it running\n');
  } else {
    // Registered first: a start that fails half-way leaves parts to stop.
    teardown.add('the test cluster (scripts/k8s/cluster.sh stop)', () => {
      execFileSync('bash', [script, 'stop'], { stdio: ['ignore', 'ignore', 'inherit'] });
    }, { keepable: true });
  }
  execFileSync('bash', [script, 'start'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const kubeconfig = /^export COFLOW_KUBECONFIG=(.*)$/m.exec(execFileSync('bash', [script, 'env'], { encoding: 'utf8' }))?.[1];
  if (!kubeconfig) throw new Error('scripts/k8s/cluster.sh env printed no kubeconfig');
  return kubeconfig;
}
