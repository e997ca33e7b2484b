/**
 * library/kubectl for real: a job Pod on the test cluster applies a ConfigMap
 * with a kubeconfig taken from a secret, and a second job reads it back.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import { applyAndRun, job, startHarness, type Harness } from '../support/harness.ts';
import { repoRoot } from '../support/paths.ts';
import { core, testRunner } from './support.ts';

const NAME = `library-kubectl-${process.pid}`;
let h: Harness;

beforeAll(async () => {
  // The cluster runs local images only: hand it the component's.
  execFileSync('bash', [join(repoRoot, 'scripts/k8s/cluster.sh'), 'images', 'coflow/kubectl:1.0.0'], { stdio: ['ignore', 'ignore', 'inherit'] });
  // The test's admin kubeconfig, self-contained (its files inlined) and pointed at
  // the API as Pods reach it (the `kubernetes` Service).
  const kubeconfig = readFileSync(inject('kubeconfig'), 'utf8')
    .replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://kubernetes.default.svc')
    .replace(/^(\s*)(certificate-authority|client-certificate|client-key): (.+)$/gm, (_, indent: string, key: string, file: string) => `${indent}${key}-data: ${readFileSync(file.trim()).toString('base64')}`);
  h = await startHarness({ runner: testRunner(), secrets: { kube: kubeconfig } });
});

afterAll(async () => {
  await core().deleteNamespacedConfigMap({ name: NAME, namespace: inject('k8sNamespace') }).catch(() => undefined);
  await h?.stop();
});

it('applies a ConfigMap with a kubeconfig from a secret, and reads it back', async () => {
  const namespace = inject('k8sNamespace');
  const run = await applyAndRun(
    h.api,
    `
uri: test/library/kubectl
stages:
  - name: deploy
    actions:
      - name: settings
        jobs:
          - name: apply
            component: library/kubectl@1
            inputs:
              kubeconfig: \${{ secrets.kube }}
              namespace: ${namespace}
              manifest: |
                apiVersion: v1
                kind: ConfigMap
                metadata: { name: ${NAME} }
                data: { colour: teal }
          - name: read
            component: library/kubectl@1
            inputs: { kubeconfig: "\${{ secrets.kube }}", namespace: ${namespace}, action: get, resource: "configmap/${NAME}", jsonpath: "{.data.colour}" }
`,
  );
  expect(job(run, 'deploy.settings.apply')).toMatchObject({ state: 'succeeded', outputs: { applied: `configmap/${NAME}` } });
  expect(job(run, 'deploy.settings.read')).toMatchObject({ state: 'succeeded', outputs: { value: 'teal' } });
  const cm = await core().readNamespacedConfigMap({ name: NAME, namespace });
  expect(cm.data).toEqual({ colour: 'teal' });
});
