/**
 * The Kubernetes objects of a deploy manifest as plain data: parsing the YAML
 * documents, naming objects, reaching pod templates and replica counts. Pure.
 */
import { parseAllDocuments, stringify } from 'yaml';

/** One object of a manifest, mutable while the renderer works on it. */
export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** A manifest the engine refuses (bad YAML, an object it will not deploy): never retried. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

/** Workloads whose pod template the engine labels and waits for. */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses every YAML document of `text`; empty documents are skipped, anything that is not a named object is refused. */
export function parseManifest(text: string): ManifestObject[] {
  const objects: ManifestObject[] = [];
  for (const [i, doc] of parseAllDocuments(text).entries()) {
    if (!('errors' in doc)) throw new ManifestError(`manifest document ${i + 1}: not YAML`);
    const error = doc.errors[0];
    if (error !== undefined) throw new ManifestError(`manifest document ${i + 1}: ${error.message.split('\n')[0]}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    objects.push(checkObject(value, `manifest document ${i + 1}`));
  }
  if (objects.length === 0) throw new ManifestError('the manifest has no objects');
  return objects;
}

function checkObject(value: unknown, where: string): ManifestObject {
  if (!isPlain(value)) throw new ManifestError(`${where} is not an object (a Kubernetes object has apiVersion, kind and metadata.name)`);
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '') throw new ManifestError(`${where} has no apiVersion`);
  if (typeof value.kind !== 'string' || value.kind === '') throw new ManifestError(`${where} has no kind`);
  if (value.kind.endsWith('List')) throw new ManifestError(`${where} is a ${value.kind}: write its items as separate documents`);
  const metadata = value.metadata;
  if (!isPlain(metadata) || typeof metadata.name !== 'string' || metadata.name === '') throw new ManifestError(`${where} (${value.kind}) has no metadata.name`);
  if (metadata.labels !== undefined && !isPlain(metadata.labels)) throw new ManifestError(`${where} (${value.kind} ${metadata.name}): metadata.labels is not a map`);
  return value as ManifestObject;
}

/** The manifest as stored: the objects' YAML documents, in order. */
export function stringifyManifest(objects: readonly ManifestObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

/** `kind/name`, as reasons name objects (`deployment/shop`). */
export function shortName(o: { kind: string; metadata: { name: string } }): string {
  return `${o.kind.toLowerCase()}/${o.metadata.name}`;
}

/** `kind/namespace/name`, as prune reports objects. */
export function fullName(o: ManifestObject): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** Identity across manifests: API group (not version), kind, namespace, name. */
export function objectKey(o: ManifestObject): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${group}|${o.kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;
}

export function isWorkload(o: ManifestObject): boolean {
  return (WORKLOAD_KINDS as readonly string[]).includes(o.kind);
}

const child = (parent: Plain, key: string): Plain => {
  const v = parent[key];
  if (isPlain(v)) return v;
  const made: Plain = {};
  parent[key] = made;
  return made;
};

/** The pod templates of an object (workloads, Jobs, CronJobs; a bare Pod is its own template). */
export function podTemplates(o: ManifestObject): Plain[] {
  const spec = o.spec;
  if (o.kind === 'Pod') return [o];
  if (!isPlain(spec)) return [];
  if (o.kind === 'CronJob') {
    const jobSpec = isPlain(spec.jobTemplate) && isPlain(spec.jobTemplate.spec) ? spec.jobTemplate.spec : undefined;
    return jobSpec !== undefined && isPlain(jobSpec.template) ? [jobSpec.template] : [];
  }
  return isPlain(spec.template) ? [spec.template] : [];
}

/** Adds labels to an object's metadata (a template's too: both are `{ metadata: { labels } }`). */
export function addLabels(target: Plain, labels: Readonly<Record<string, string>>): void {
  const metadata = child(target, 'metadata');
  metadata.labels = { ...(isPlain(metadata.labels) ? metadata.labels : {}), ...labels };
}

/** Adds labels to a workload's `spec.selector.matchLabels`. */
export function addSelectorLabels(o: ManifestObject, labels: Readonly<Record<string, string>>): void {
  const selector = child(child(o, 'spec'), 'selector');
  selector.matchLabels = { ...(isPlain(selector.matchLabels) ? selector.matchLabels : {}), ...labels };
}

/** A workload's replicas as written (default 1). */
export function replicasOf(o: ManifestObject): number {
  const spec = o.spec;
  const n = isPlain(spec) ? spec.replicas : undefined;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 1;
}

export function setReplicas(o: ManifestObject, replicas: number): void {
  child(o, 'spec').replicas = replicas;
}

/** A Service's `spec.selector` (empty when it has none). */
export function serviceSelector(o: ManifestObject): Record<string, string> {
  const spec = o.spec;
  return isPlain(spec) && isPlain(spec.selector) ? (spec.selector as Record<string, string>) : {};
}

export function setServiceSelector(o: ManifestObject, selector: Readonly<Record<string, string>>): void {
  child(o, 'spec').selector = { ...selector };
}

/** Container images of every pod template, in order, once each. */
export function imagesOf(objects: readonly ManifestObject[]): string[] {
  const images = new Set<string>();
  for (const o of objects) {
    for (const template of podTemplates(o)) {
      const spec = o.kind === 'Pod' ? o.spec : template.spec;
      if (!isPlain(spec)) continue;
      for (const list of [spec.initContainers, spec.containers]) {
        if (!Array.isArray(list)) continue;
        for (const c of list as unknown[]) if (isPlain(c) && typeof c.image === 'string') images.add(c.image);
      }
    }
  }
  return [...images];
}

/** A deep copy (objects are plain JSON). */
export function copyObject(o: ManifestObject): ManifestObject {
  return structuredClone(o);
}
