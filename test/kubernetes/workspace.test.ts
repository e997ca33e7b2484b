/** The workspace suite (test/support/workspace-suite.ts) on the kubernetes runner: PersistentVolumeClaims on the cluster's default StorageClass. */
import { inject } from 'vitest';
import { labelValue } from '../../activities/kubernetes-runner.ts';
import { workspaceSuite } from '../support/workspace-suite.ts';
import { core, testRunner } from './support.ts';

workspaceSuite({
  name: 'kubernetes',
  runner: () => testRunner(),
  volumes: async (runId) =>
    (await core().listNamespacedPersistentVolumeClaim({ namespace: inject('k8sNamespace'), labelSelector: `coflow.run=${labelValue(runId)}` })).items.map((c) => c.metadata?.name ?? ''),
  removeVolume: (volume) => testRunner().workspaces.remove(volume),
});
