/**
 * The runner suite (test/support/runner-suite.ts) on the kubernetes runner,
 * against the single-node cluster of scripts/k8s/cluster.sh. Ids are Pod UIDs.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { statusOf } from '../../activities/errors.ts';
import { JOB_CONTAINER } from '../../activities/kubernetes-runner.ts';
import { runnerSuite } from '../support/runner-suite.ts';
import { core, testRunner } from './support.ts';

async function read(name: string): Promise<V1Pod | undefined> {
  try {
    return await core().readNamespacedPod({ name, namespace: inject('k8sNamespace') });
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw err;
  }
}

const jobState = (pod: V1Pod | undefined) => pod?.status?.containerStatuses?.find((c) => c.name === JOB_CONTAINER)?.state;

/** Polls the Pod until `done` says so; its last version. */
async function until(name: string, what: string, done: (pod: V1Pod | undefined) => boolean): Promise<V1Pod | undefined> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const pod = await read(name);
    if (done(pod)) return pod;
    if (Date.now() > deadline) throw new Error(`pod ${name} not ${what} after 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

runnerSuite({
  runner: () => testRunner(),
  separateStreams: false,
  async find(name) {
    const pod = await read(name);
    return pod === undefined ? undefined : { id: pod.metadata?.uid ?? '', running: jobState(pod)?.running !== undefined };
  },
  async startOutside(spec) {
    await core().createNamespacedPod({ namespace: inject('k8sNamespace'), body: testRunner().podFor(spec) });
    const pod = await until(spec.name, 'started', (p) => jobState(p)?.running !== undefined || jobState(p)?.terminated !== undefined);
    return pod?.metadata?.uid ?? '';
  },
  async waitExited(name) {
    await until(name, 'exited', (p) => jobState(p)?.terminated !== undefined);
  },
  async remove(name) {
    await core().deleteNamespacedPod({ name, namespace: inject('k8sNamespace'), gracePeriodSeconds: 0 });
  },
});
