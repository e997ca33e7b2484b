/**
 * The test cluster (scripts/k8s/cluster.sh) behaves like a cluster where coflow
 * will rely on it: a Deployment behind a Service answers on its ClusterIP and
 * its DNS name, from a Pod and from the node; external names resolve through
 * the host's resolver; a Pod reaches the API server as its service account
 * (verified TLS, on KUBERNETES_SERVICE_HOST and kubernetes.default.svc), and so
 * does @kubernetes/client-node's loadFromCluster(); a claim on the default
 * StorageClass binds and keeps what one Pod wrote for the next.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { resolve4 } from 'node:dns/promises';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, AuthenticationV1Api, KubeConfig, type V1PodSpec } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { cacheDir } from '../../worker/config.ts';
import { repoRoot } from '../support/harness.ts';
import { core, kubeConfig } from './support.ts';

const namespace = (): string => inject('k8sNamespace');
/** Every object this file creates carries it, for the clean-up. */
const LABEL = { 'coflow.test': 'cluster' };
const SHELL = 'coflow/shell:1.0.0';
const SERVICE_ACCOUNT = 'cluster-test-client';
const kubectl = (...args: string[]): string =>
  execFileSync(inject('kubectl'), ['--kubeconfig', inject('kubeconfig'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let clientImage = '';

/**
 * test/images/kube-client (a static Go binary, standard library only) as a
 * local image, tagged by its source, imported into the cluster.
 */
function kubeClientImage(): string {
  const dir = join(repoRoot, 'test/images/kube-client');
  const hash = createHash('sha256');
  for (const f of ['go.mod', 'main.go']) hash.update(readFileSync(join(dir, f)));
  const tag = `coflow-test/kube-client:${hash.digest('hex').slice(0, 12)}`;
  try {
    execFileSync('docker', ['image', 'inspect', tag], { stdio: 'ignore' });
  } catch {
    const out = mkdtempSync(join(tmpdir(), 'kube-client-'));
    try {
      const env = { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOCACHE: join(cacheDir(process.env), 'k8s/go/build') };
      execFileSync('go', ['build', '-trimpath', '-ldflags', '-s -w', '-o', join(out, 'kube-client'), '.'], { cwd: dir, env, stdio: 'inherit' });
      execFileSync('sh', ['-c', `tar -C "$0" -c kube-client | docker import -c 'ENTRYPOINT ["/kube-client"]' - "$1"`, out, tag], { stdio: 'ignore' });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  execFileSync('bash', [join(repoRoot, 'scripts/k8s/cluster.sh'), 'images', tag], { stdio: 'inherit' });
  return tag;
}

/** Runs a Pod to its container's end, returns its exit code and log, and deletes it. */
async function runPod(name: string, spec: Omit<V1PodSpec, 'restartPolicy'>): Promise<{ exitCode: number; log: string }> {
  const api = core();
  const ns = namespace();
  await api.createNamespacedPod({ namespace: ns, body: { metadata: { name, labels: LABEL }, spec: { restartPolicy: 'Never', ...spec } } });
  try {
    for (const deadline = Date.now() + 90_000; ; await sleep(250)) {
      const pod = await api.readNamespacedPod({ name, namespace: ns });
      const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
      if (terminated) return { exitCode: terminated.exitCode, log: await api.readNamespacedPodLog({ name, namespace: ns }) };
      if (Date.now() > deadline) throw new Error(`Pod ${name} did not end in 90 s: ${JSON.stringify(pod.status)}`);
    }
  } finally {
    await api.deleteNamespacedPod({ name, namespace: ns, gracePeriodSeconds: 0 }).catch(() => undefined);
  }
}

const shellPod = (script: string): Omit<V1PodSpec, 'restartPolicy'> => ({
  containers: [{ name: 'main', image: SHELL, imagePullPolicy: 'Never', command: ['/bin/sh', '-c', script] }],
});

/** Waits until `check` returns a value other than undefined. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  for (const deadline = Date.now() + ms; ; await sleep(250)) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s`);
  }
}

beforeAll(async () => {
  const ns = namespace();
  clientImage = kubeClientImage();
  await core().createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: SERVICE_ACCOUNT, labels: LABEL } } });
  // A web server: busybox httpd answering with a fixed page on 8080, behind port 80.
  const labels = { ...LABEL, app: 'web' };
  await kubeConfig()
    .makeApiClient(AppsV1Api)
    .createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'web', labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: 'httpd',
                  image: SHELL,
                  imagePullPolicy: 'Never',
                  command: ['/bin/sh', '-c', 'mkdir -p /www && echo "hello from web" > /www/index.html && exec httpd -f -p 8080 -h /www'],
                  ports: [{ containerPort: 8080 }],
                  readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
                },
              ],
            },
          },
        },
      },
    });
  await core().createNamespacedService({
    namespace: ns,
    body: { metadata: { name: 'web', labels: LABEL }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] } },
  });
});

afterAll(() => {
  // PVCs last: their finalizer waits for the Pods using them anyway.
  kubectl('delete', 'deployment,service,pod,serviceaccount,persistentvolumeclaim', '-n', namespace(), '-l', 'coflow.test=cluster', '--ignore-not-found', '--wait=false');
});

it('a Deployment behind a Service answers on its ClusterIP and its DNS name, from a Pod and from the node', async () => {
  const ns = namespace();
  const service = await core().readNamespacedService({ name: 'web', namespace: ns });
  const clusterIP = service.spec?.clusterIP ?? '';
  expect(clusterIP).toMatch(/^10\.96\./);
  await waitFor('a ready endpoint of the web Service', async () => {
    const d = await kubeConfig().makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'web', namespace: ns });
    return (d.status?.readyReplicas ?? 0) > 0 ? true : undefined;
  });

  // From the node itself (kube-proxy's rules for locally made connections),
  // until kube-proxy has the new endpoint.
  const page = await waitFor('the web Service on its ClusterIP from the node', async () => {
    const res = await fetch(`http://${clusterIP}/`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
    return res?.ok ? res.text() : undefined;
  });
  expect(page).toBe('hello from web\n');

  const fqdn = `web.${ns}.svc.cluster.local`;
  const { exitCode, log } = await runPod(
    'cluster-test-service',
    shellPod(
      [
        'set -e',
        `echo "ip: $(wget -qO- http://${clusterIP}/)"`,
        `echo "fqdn: $(wget -qO- http://${fqdn}/)"`,
        // The short name, through the Pod's search path.
        'echo "short: $(wget -qO- http://web/)"',
        `nslookup ${fqdn}`,
        'cat /etc/resolv.conf',
      ].join('\n'),
    ),
  );
  expect(log).toContain(`ip: hello from web`);
  expect(log).toContain(`fqdn: hello from web`);
  expect(log).toContain(`short: hello from web`);
  expect(log).toMatch(new RegExp(`Name:\\s+${fqdn.replaceAll('.', '\\.')}\\s+Address:\\s+${clusterIP.replaceAll('.', '\\.')}`));
  expect(log).toMatch(/^nameserver 10\.96\.0\.10$/m);
  expect(log).toMatch(new RegExp(`^search ${ns}\\.svc\\.cluster\\.local svc\\.cluster\\.local cluster\\.local`, 'm'));
  expect(exitCode).toBe(0);
});

it('a Pod resolves an external name through the host resolver', async (ctx) => {
  const name = 'proxy.golang.org';
  const hostAddresses = await resolve4(name).catch(() => []);
  if (hostAddresses.length === 0) ctx.skip(`the host cannot resolve ${name} either`);
  const { exitCode, log } = await runPod('cluster-test-external-dns', shellPod(`nslookup ${name}.`));
  expect(log).toMatch(/Address:\s+\d+\.\d+\.\d+\.\d+/);
  expect(exitCode).toBe(0);
});

it('a Pod calls the API server as its service account on KUBERNETES_SERVICE_HOST and on kubernetes.default.svc, with verified TLS', async () => {
  const { exitCode, log } = await runPod('cluster-test-in-cluster-api', {
    serviceAccountName: SERVICE_ACCOUNT,
    containers: [{ name: 'main', image: clientImage, imagePullPolicy: 'Never', args: ['env', 'https://kubernetes.default.svc'] }],
  });
  const results = log
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { url: string; user?: string; error?: string });
  const user = `system:serviceaccount:${namespace()}:${SERVICE_ACCOUNT}`;
  expect(results).toEqual([
    { url: 'https://10.96.0.1:443', user },
    { url: 'https://kubernetes.default.svc', user },
  ]);
  expect(exitCode).toBe(0);
});

it("@kubernetes/client-node's loadFromCluster() works with a service account token, on the kubernetes Service from the node", async () => {
  const ns = namespace();
  const api = core();
  // What the kubelet mounts into a Pod: a bound token, the cluster's CA bundle, the namespace.
  const token = await api.createNamespacedServiceAccountToken({ name: SERVICE_ACCOUNT, namespace: ns, body: { spec: { audiences: [], expirationSeconds: 600 } } });
  const ca = await api.readNamespacedConfigMap({ name: 'kube-root-ca.crt', namespace: ns });
  const kubernetes = await api.readNamespacedService({ name: 'kubernetes', namespace: 'default' });
  const prefix = mkdtempSync(join(tmpdir(), 'coflow-in-cluster-'));
  const dir = join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'token'), token.status?.token ?? '');
  writeFileSync(join(dir, 'ca.crt'), ca.data?.['ca.crt'] ?? '');
  writeFileSync(join(dir, 'namespace'), ns);
  const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
  try {
    process.env.KUBERNETES_SERVICE_HOST = kubernetes.spec?.clusterIP;
    process.env.KUBERNETES_SERVICE_PORT = String(kubernetes.spec?.ports?.[0]?.port);
    const kc = new KubeConfig();
    kc.loadFromCluster(prefix);
    expect(kc.getCurrentCluster()?.server).toBe('https://10.96.0.1:443');
    const review = await kc.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo?.username).toBe(`system:serviceaccount:${ns}:${SERVICE_ACCOUNT}`);
  } finally {
    if (saved.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
    else process.env.KUBERNETES_SERVICE_HOST = saved.host;
    if (saved.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
    else process.env.KUBERNETES_SERVICE_PORT = saved.port;
    rmSync(prefix, { recursive: true, force: true });
  }
});

it('a claim on the default StorageClass binds, and what one Pod writes the next one reads', async () => {
  const ns = namespace();
  const api = core();
  await api.createNamespacedPersistentVolumeClaim({
    namespace: ns,
    body: {
      metadata: { name: 'cluster-test-data', labels: LABEL },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '16Mi' } } },
    },
  });
  const volume = await waitFor('the claim bound', async () => {
    const pvc = await api.readNamespacedPersistentVolumeClaim({ name: 'cluster-test-data', namespace: ns });
    return pvc.status?.phase === 'Bound' ? pvc : undefined;
  });
  expect(volume.spec?.storageClassName).toBe('standard');
  const withVolume = (script: string): Omit<V1PodSpec, 'restartPolicy'> => ({
    containers: [{ ...shellPod(script).containers[0]!, volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'cluster-test-data' } }],
  });
  const writer = await runPod('cluster-test-writer', withVolume('echo "written by $(hostname)" > /data/note && echo done'));
  expect(writer).toEqual({ exitCode: 0, log: 'done\n' });
  const reader = await runPod('cluster-test-reader', withVolume('cat /data/note'));
  expect(reader).toEqual({ exitCode: 0, log: 'written by cluster-test-writer\n' });
});
