/**
 * The worker-loss suite (test/support/worker-loss-suite.ts) on the kubernetes
 * runner: a worker process (worker/main.ts, COFLOW_RUNNER=kubernetes) shut
 * down gracefully mid-job drains — it leaves the job's Pod running — and the
 * next worker re-attaches to that Pod (one UID). The SIGKILL case on this
 * runner is reattach.test.ts.
 */
import { inject } from 'vitest';
import { workerLossSuite } from '../support/worker-loss-suite.ts';
import { podCensus } from './support.ts';

workerLossSuite(
  {
    kind: 'kubernetes',
    workerEnv: {
      COFLOW_RUNNER: 'kubernetes',
      COFLOW_KUBECONFIG: inject('kubeconfig'),
      COFLOW_K8S_NAMESPACE: inject('k8sNamespace'),
      COFLOW_K8S_IMAGE_PULL_POLICY: 'Never',
    },
    census: podCensus,
  },
  ['SIGTERM'],
);
