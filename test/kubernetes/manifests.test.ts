/**
 * deploy/kubernetes/ is accepted by a real API server, and the worker's
 * service account may do what the runner needs and nothing else.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, expect, inject, it } from 'vitest';
import { repoRoot } from '../support/paths.ts';

const dir = join(repoRoot, 'deploy/kubernetes');
const kubectl = (...args: string[]): string =>
  execFileSync(inject('kubectl'), ['--kubeconfig', inject('kubeconfig'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
/** `kubectl auth can-i` as the worker's service account: exit 0 yes, 1 no. */
const workerCan = (...args: string[]): boolean => {
  try {
    kubectl('auth', 'can-i', '--as', 'system:serviceaccount:coflow:coflow-worker', ...args);
    return true;
  } catch {
    return false;
  }
};

afterAll(() => {
  kubectl('delete', 'namespace', 'coflow', '--ignore-not-found', '--wait=false');
});

it('applies the manifests on the server (dry run), and the worker\'s RBAC is limited to pods, pods/log, watch, workspace claims and writing pull Secrets', () => {
  kubectl('apply', '-f', join(dir, 'base/namespace.yaml'));
  const out = kubectl('apply', '--dry-run=server', '-k', join(dir, 'overlays/single-node'));
  for (const object of ['deployment.apps/coflow-worker', 'deployment.apps/coflow-api', 'service/coflow-api', 'role.rbac.authorization.k8s.io/coflow-worker', 'statefulset.apps/postgres', 'deployment.apps/temporal']) {
    expect(out).toMatch(new RegExp(`${object.replace(/[./]/g, '\\$&')} (created|configured|unchanged) \\(server dry run\\)`));
  }

  kubectl('apply', '-f', join(dir, 'base/rbac.yaml'), '-n', 'coflow');
  for (const verb of ['create', 'get', 'watch', 'delete']) expect([verb, workerCan(verb, 'pods', '-n', 'coflow')]).toEqual([verb, true]);
  expect(workerCan('get', 'pods', '--subresource=log', '-n', 'coflow')).toBe(true);
  for (const verb of ['create', 'get', 'delete']) expect([verb, workerCan(verb, 'persistentvolumeclaims', '-n', 'coflow')]).toEqual([verb, true]);
  expect(workerCan('update', 'persistentvolumeclaims', '-n', 'coflow')).toBe(false);
  // Image pull Secrets are written, never read: the namespace's other Secrets stay out of the worker's reach.
  for (const verb of ['create', 'update', 'patch', 'delete']) expect([verb, workerCan(verb, 'secrets', '-n', 'coflow')]).toEqual([verb, true]);
  expect(workerCan('list', 'secrets', '-n', 'coflow')).toBe(false);
  expect(workerCan('create', 'pods', '-n', 'default')).toBe(false);
  expect(workerCan('get', 'secrets', '-n', 'coflow')).toBe(false);
  expect(workerCan('create', 'deployments', '-n', 'coflow')).toBe(false);
  expect(workerCan('update', 'pods', '-n', 'coflow')).toBe(false);
});
