/**
 * Setup of the `kubernetes` test project: everything the integration
 * project has (Temporal dev server, images, workflow bundle), plus the
 * single-node cluster of scripts/k8s/cluster.sh (built once, then a warm
 * start) and a namespace for the tests.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { TestProject } from 'vitest/node';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment.ts';
import { cacheDir } from '../../worker/config.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    k8sNamespace: string;
    kubectl: string;
  }
}

const root = join(import.meta.dirname, '../..');
const cluster = join(root, 'scripts/k8s/cluster.sh');
export const TEST_NAMESPACE = 'coflow-test';
let startedHere = false;
let testEnv: TestEnvironment | undefined;

function clusterScript(...args: string[]): string {
  return execFileSync('bash', [cluster, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

export async function setup(project: TestProject): Promise<void> {
  // Images first: the cluster imports them from the Docker Engine.
  testEnv = await startTestEnvironment(project, 'kubernetes');
  let running = false;
  try {
    clusterScript('status');
    running = true;
  } catch {
    running = false;
  }
  try {
    clusterScript('start');
  } catch (err) {
    throw new Error(
      `kubernetes tests need the single-node cluster, and \`scripts/k8s/cluster.sh start\` failed (its logs: ${join(cacheDir(process.env), 'k8s/run/logs')}): ${(err as Error).message}`,
    );
  }
  startedHere = !running;
  const env = Object.fromEntries(
    clusterScript('env')
      .split('\n')
      .map((l) => /^export (\w+)=(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!]),
  );
  const kubeconfig = env.COFLOW_KUBECONFIG!;
  const kubectl = join(env.PATH!.split(':')[0]!, 'kubectl');
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  try {
    await core.readNamespace({ name: TEST_NAMESPACE });
  } catch {
    await core.createNamespace({ body: { metadata: { name: TEST_NAMESPACE } } });
  }
  // Pods need the namespace's default service account, created by the controller manager.
  for (let i = 0; ; i++) {
    try {
      await core.readNamespacedServiceAccount({ name: 'default', namespace: TEST_NAMESPACE });
      break;
    } catch (err) {
      if (i > 120) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  kubeconfigPath = kubeconfig;
  project.provide('kubeconfig', kubeconfig);
  project.provide('k8sNamespace', TEST_NAMESPACE);
  project.provide('kubectl', kubectl);
}

let kubeconfigPath: string | undefined;

/**
 * Deletes the job Pods test runs left (a test that failed half-way, a worker
 * that detached on purpose), so a kept cluster starts the next run clean.
 */
async function removeTestPods(): Promise<void> {
  if (kubeconfigPath === undefined) return;
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const pods = await core.listNamespacedPod({ namespace: TEST_NAMESPACE, labelSelector: 'app.kubernetes.io/managed-by=coflow' });
  for (const pod of pods.items) {
    const name = pod.metadata?.name;
    if (name) await core.deleteNamespacedPod({ name, namespace: TEST_NAMESPACE, gracePeriodSeconds: 0 }).catch(() => undefined);
  }
}

export async function teardown(): Promise<void> {
  await removeTestPods().catch((err: unknown) => console.error('kubernetes tests: could not remove the test Pods:', err));
  await testEnv?.stop();
  // Leave a cluster we found running; stop one we started (COFLOW_K8S_KEEP=1 keeps it for the next run).
  if (startedHere && process.env.COFLOW_K8S_KEEP !== '1') clusterScript('stop');
}
