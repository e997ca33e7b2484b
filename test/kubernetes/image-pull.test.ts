/**
 * Image pulls on the kubernetes runner: the cluster's containerd pulls a job
 * image from a real registry on loopback behind htpasswd (plain HTTP to
 * 127.0.0.1), with the attempt's own dockerconfigjson Secret, which is gone
 * once the attempt ends; a refused password fails at once.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { RegistryAuthError, statusOf } from '../../activities/errors.ts';
import type { ContainerSpec } from '../../activities/runner.ts';
import { pushFreshImage, registryBinary, startRegistry, type TestRegistry } from '../support/registry.ts';
import { core, testRunner } from './support.ts';

const USER = { name: 'ci', password: 'cluster-horse-battery' };
const namespace = (): string => inject('k8sNamespace');

let registry: TestRegistry;
let image: string;
let stamp: string;

beforeAll(async () => {
  const { bin, missing } = registryBinary();
  if (bin === undefined) throw new Error(missing);
  registry = await startRegistry(bin, USER);
  image = `${registry.host}/pull/k8s:t${process.pid}-${Date.now()}`;
  stamp = pushFreshImage(image, { host: registry.host, ...USER });
});

afterAll(async () => {
  // The node keeps what it pulled: remove it from containerd's image store.
  if (image) execFileSync('ctr', ['--address', '/run/coflow-k8s/containerd.sock', '-n', 'k8s.io', 'images', 'rm', image], { stdio: 'ignore' });
  await registry?.stop();
});

function spec(name: string, password: string): ContainerSpec {
  return {
    name,
    image,
    command: ['/bin/sh', '-c', 'cat /stamp'],
    env: {},
    labels: { 'coflow.run': `test/k8s/pull#${name}`, 'coflow.job': 's.a.j', 'coflow.attempt': '1' },
    resources: {},
    timeoutMs: 0,
    pullPolicy: 'IfNotPresent',
    registryAuth: { server: registry.host, username: USER.name, password },
  };
}

async function secret(name: string): Promise<{ type?: string; labels?: Record<string, string>; owners: string[] } | undefined> {
  try {
    const s = await core().readNamespacedSecret({ name, namespace: namespace() });
    return { ...(s.type ? { type: s.type } : {}), ...(s.metadata?.labels ? { labels: s.metadata.labels } : {}), owners: (s.metadata?.ownerReferences ?? []).map((o) => `${o.kind}/${o.name}`) };
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw err;
  }
}

describe('the kubernetes runner pulls with the job\'s registry credentials', () => {
  it('fails at once with RegistryAuthError when the registry refuses the password, and leaves no Secret', async () => {
    const s = spec('co-k8s-pull-refused', 'wrong-password');
    const started = Date.now();
    const err = await testRunner().run(s, { onLine: () => undefined, signal: new AbortController().signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryAuthError);
    expect((err as Error).message).toMatch(new RegExp(`registry ${registry.host} refused .*(401|unauthorized)`, 'i'));
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await secret(s.name)).toBeUndefined();
  });

  it('pulls through a per-attempt dockerconfigjson Secret owned by the Pod, runs the job, and removes the Secret', async () => {
    const s = spec('co-k8s-pull-auth', USER.password);
    let seen: Awaited<ReturnType<typeof secret>>;
    const lines: string[] = [];
    const result = await testRunner().run(s, {
      onLine: async (l) => {
        seen ??= await secret(s.name);
        lines.push(l.text);
      },
      signal: new AbortController().signal,
    });
    expect(result).toEqual({ exitCode: 0, timedOut: false, cancelled: false });
    expect(lines).toEqual([stamp]);
    expect(seen).toMatchObject({ type: 'kubernetes.io/dockerconfigjson', owners: [`Pod/${s.name}`], labels: { 'app.kubernetes.io/managed-by': 'coflow' } });
    expect(seen?.labels?.['coflow.run']).toMatch(/^test-k8s-pull-co-k8s-pull-auth-/);
    expect(await secret(s.name)).toBeUndefined();
  });
});
