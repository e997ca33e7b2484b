/**
 * A coflow platform process (worker + API) on the kubernetes runner, for the
 * re-attach test to SIGKILL. Configured by one JSON argument; prints
 * `api <url>` once it serves.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { KubernetesRunner } from '../../activities/kubernetes-runner.ts';
import { startPlatform } from '../../worker/platform.ts';

interface ChildOptions {
  readonly kubeconfig: string;
  readonly namespace: string;
  readonly temporalAddress: string;
  readonly taskQueue: string;
  readonly dataDir: string;
  readonly bundlePath: string;
  readonly componentsDir: string;
}

const options = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(options.kubeconfig);
const platform = await startPlatform({
  dataDir: options.dataDir,
  temporalAddress: options.temporalAddress,
  namespace: 'default',
  taskQueue: options.taskQueue,
  apiHost: '127.0.0.1',
  apiPort: 0,
  dockerSocket: '/var/run/docker.sock',
  componentsDir: options.componentsDir,
  bundle: { codePath: options.bundlePath },
  heartbeatEveryMs: 1_000,
  runner: new KubernetesRunner({ kubeConfig, namespace: options.namespace, imagePullPolicy: 'Never' }),
});
process.stdout.write(`api ${platform.apiUrl}\n`);
