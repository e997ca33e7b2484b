/**
 * Writing manifest objects to a cluster: server-side apply under coflow's
 * field manager (forced: coflow owns what it deploys), deletes, and the few
 * merge patches of blue-green and canary (a Service's selector, replicas).
 */
import { KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { DEPLOY_FIELD_MANAGER, DEPLOY_LABELS } from '../../contracts/deploy.ts';
import { statusOf } from '../errors.ts';
import { shortName, type ManifestObject } from './manifest-objects.ts';

/** The cluster refused an object as written (invalid, unknown kind): a retry does not help. */
export class ObjectRefusedError extends Error {
  override readonly name = 'ObjectRefusedError';
}

/** KubernetesObjectApi that also says whether a kind is namespaced (from the API's discovery). */
class ScopedObjectApi extends KubernetesObjectApi {
  async namespaced(apiVersion: string, kind: string): Promise<boolean | undefined> {
    return (await this.resource(apiVersion, kind))?.namespaced;
  }
}

/** Statuses that mean the object or its kind is wrong, not the cluster unwell. */
const REFUSED = new Set([400, 403, 404, 409, 422]);

function refusal(o: ManifestObject, err: unknown): Error {
  const status = statusOf(err);
  if (status === undefined || !REFUSED.has(status)) return err as Error;
  const body = (err as { body?: unknown }).body;
  let message = (err as Error).message;
  try {
    const parsed = typeof body === 'string' ? (JSON.parse(body) as { message?: string }) : (body as { message?: string } | undefined);
    if (parsed?.message) message = parsed.message;
  } catch {
    // keep the client's message
  }
  return new ObjectRefusedError(`${shortName(o)}: the cluster refused it (${status}): ${message}`);
}

export class ClusterObjects {
  readonly #api: ScopedObjectApi;

  constructor(kubeConfig: KubeConfig) {
    this.#api = kubeConfig.makeApiClient(ScopedObjectApi);
  }

  /** Server-side applies `o` (labelled with the deployment); refuses kinds the cluster does not know or that are not namespaced. */
  async apply(o: ManifestObject, deploymentId: number): Promise<void> {
    let namespaced: boolean | undefined;
    try {
      namespaced = await this.#api.namespaced(o.apiVersion, o.kind);
    } catch (err) {
      throw refusal(o, err);
    }
    if (namespaced === undefined) throw new ObjectRefusedError(`${shortName(o)}: the cluster has no kind ${o.kind} in ${o.apiVersion}`);
    if (!namespaced) throw new ObjectRefusedError(`${shortName(o)}: ${o.kind} is cluster-scoped; deploy jobs deploy only namespaced objects`);
    const body = { ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, [DEPLOY_LABELS.deployment]: String(deploymentId) } } };
    try {
      await this.#api.patch(body, undefined, undefined, DEPLOY_FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    } catch (err) {
      throw refusal(o, err);
    }
  }

  /** The live object, or undefined when it does not exist. */
  async read(o: Pick<ManifestObject, 'apiVersion' | 'kind' | 'metadata'>): Promise<KubernetesObject | undefined> {
    try {
      return await this.#api.read({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace ?? '' } });
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  /** Deletes the object (its Pods go in the background); false when it was not there. */
  async remove(o: Pick<ManifestObject, 'apiVersion' | 'kind' | 'metadata'>): Promise<boolean> {
    try {
      await this.#api.delete({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace ?? '' } }, undefined, undefined, undefined, undefined, 'Background');
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw err;
    }
  }

  /** A JSON merge patch under coflow's field manager (replicas, a Service's selector). */
  async mergePatch(o: Pick<ManifestObject, 'apiVersion' | 'kind' | 'metadata'>, patch: Record<string, unknown>): Promise<void> {
    const body = { apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace }, ...patch } as KubernetesObject;
    await this.#api.patch(body, undefined, undefined, DEPLOY_FIELD_MANAGER, undefined, PatchStrategy.MergePatch);
  }

  /** Objects of `kind` in `namespace` with all the labels given. */
  async list(apiVersion: string, kind: string, namespace: string, labels: Readonly<Record<string, string>>): Promise<KubernetesObject[]> {
    const selector = Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    return (await this.#api.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, selector)).items;
  }
}
