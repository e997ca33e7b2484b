/**
 * The kubernetes runner's image pull Secrets: one per attempt that has
 * registry credentials, named like its Pod, of type
 * `kubernetes.io/dockerconfigjson`, labelled like the Pod (run, flow, job,
 * attempt). Written before the Pod (the kubelet reads it when it pulls),
 * then owned by the Pod, so the cluster's garbage collector removes it with
 * the Pod even when no worker is left to; the runner also deletes it itself
 * when the attempt ends.
 */
import { Buffer } from 'node:buffer';
import type { CoreV1Api, V1Pod, V1Secret } from '@kubernetes/client-node';
import { statusOf } from './errors.ts';
import type { RegistryAuth } from './runner.ts';

/** The `.dockerconfigjson` content for one registry. */
export function dockerConfigJson(auth: RegistryAuth): string {
  const { server, username, password } = auth;
  return JSON.stringify({ auths: { [server]: { username, password, auth: Buffer.from(`${username}:${password}`).toString('base64') } } });
}

export class PullSecrets {
  readonly #core: CoreV1Api;
  readonly #namespace: string;

  constructor(core: CoreV1Api, namespace: string) {
    this.#core = core;
    this.#namespace = namespace;
  }

  /** Creates the Secret, or replaces one an earlier try left (the credentials may have changed since). */
  async write(name: string, auth: RegistryAuth, labels: Readonly<Record<string, string>>): Promise<void> {
    const namespace = this.#namespace;
    const body: V1Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/dockerconfigjson',
      metadata: { name, namespace, labels: { ...labels } },
      data: { '.dockerconfigjson': Buffer.from(dockerConfigJson(auth)).toString('base64') },
    };
    try {
      await this.#core.createNamespacedSecret({ namespace, body });
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
      await this.#core.replaceNamespacedSecret({ name, namespace, body });
    }
  }

  /**
   * Makes the Pod the Secret's owner: deleting the Pod deletes the Secret.
   * A JSON patch, so the worker's Role needs no right to read Secrets.
   */
  async ownBy(name: string, pod: V1Pod): Promise<void> {
    const uid = pod.metadata?.uid;
    if (uid === undefined) return;
    const owner = { apiVersion: 'v1', kind: 'Pod', name, uid };
    await this.#core.patchNamespacedSecret({ name, namespace: this.#namespace, body: [{ op: 'add', path: '/metadata/ownerReferences', value: [owner] }] });
  }

  async remove(name: string): Promise<void> {
    try {
      await this.#core.deleteNamespacedSecret({ name, namespace: this.#namespace });
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }
}
