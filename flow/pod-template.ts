/**
 * ContainerOps' `kubectl:` on a job: a Pod template for the kubernetes runner.
 * What a value refers to (inline YAML, a URL, a path), and whether a template's
 * text is one the runner can use. Pure: no I/O (reading paths and fetching
 * URLs is `coflow apply`'s and the API's, flow/template-refs.ts).
 */
import { parseAllDocuments } from 'yaml';

/** What a `kubectl:` value refers to. */
export type PodTemplateRef = { readonly kind: 'inline' } | { readonly kind: 'url'; readonly url: string } | { readonly kind: 'path'; readonly path: string };

/**
 * A value with a line break (a block scalar), a `{…}` or a `key: value` is
 * the manifest itself; `http://` / `https://` a URL; anything else a path
 * relative to the flow file, as ContainerOps wrote it.
 */
export function podTemplateRef(value: string): PodTemplateRef {
  const text = value.trim();
  if (text.includes('\n') || text.startsWith('{') || /:\s/.test(text)) return { kind: 'inline' };
  if (/^https?:\/\//i.test(text)) return { kind: 'url', url: text };
  return { kind: 'path', path: text };
}

/** A plain-JSON Pod: `apiVersion: v1`, `kind: Pod`, with `spec.containers` of at least one container. */
export interface TemplatePod {
  readonly apiVersion: 'v1';
  readonly kind: 'Pod';
  readonly metadata?: Record<string, unknown>;
  readonly spec: Record<string, unknown> & { readonly containers: readonly Record<string, unknown>[] };
}

export type PodTemplateCheck =
  | { readonly ok: true; readonly pod: TemplatePod; /** The first container's image, if it names one. */ readonly image?: string }
  | { readonly ok: false; readonly problem: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a template's text: one YAML document holding a Pod manifest
 * (`kind: Pod`) or a Pod spec (`containers:` at the top), with at least one
 * container, every container after the first named, names unique, and
 * `restartPolicy` absent or `Never` (coflow retries with a new Pod). The rest
 * is the API server's to judge when the Pod is created.
 */
export function checkPodTemplate(text: string): PodTemplateCheck {
  const docs = parseAllDocuments(text, { prettyErrors: false });
  const bad = docs.flatMap((d) => d.errors);
  if (bad.length > 0) return { ok: false, problem: `the Pod template is not valid YAML: ${bad[0]!.message}` };
  const values = docs.map((d) => d.toJS() as unknown).filter((v) => v !== null && v !== undefined);
  if (values.length === 0) return { ok: false, problem: 'the Pod template is empty' };
  if (values.length !== 1) return { ok: false, problem: `the Pod template must be one YAML document, found ${values.length}` };
  const pod = asPod(values[0]);
  if (typeof pod === 'string') return { ok: false, problem: pod };
  const problem = checkSpec(pod.spec);
  if (problem !== undefined) return { ok: false, problem };
  const image = pod.spec.containers[0]!['image'];
  return { ok: true, pod, ...(typeof image === 'string' && image.trim() !== '' ? { image } : {}) };
}

/** The value as a Pod, or what keeps it from being one. */
function asPod(value: unknown): TemplatePod | string {
  if (!isRecord(value)) return 'the Pod template must be a mapping: a Pod manifest (kind: Pod) or a Pod spec (containers: …)';
  if (value['kind'] === undefined && value['apiVersion'] === undefined) {
    if (value['containers'] === undefined) return 'the Pod template is neither a Pod manifest (kind: Pod) nor a Pod spec (it has no containers)';
    return { apiVersion: 'v1', kind: 'Pod', spec: value as TemplatePod['spec'] };
  }
  if (value['kind'] !== 'Pod') return `the Pod template must be of kind Pod, not ${JSON.stringify(value['kind'] ?? null)}`;
  if (value['apiVersion'] !== undefined && value['apiVersion'] !== 'v1') return `a Pod's apiVersion is v1, not ${JSON.stringify(value['apiVersion'])}`;
  if (value['metadata'] !== undefined && !isRecord(value['metadata'])) return 'the Pod template\'s metadata must be a mapping';
  if (!isRecord(value['spec'])) return 'the Pod template has no spec';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    ...(isRecord(value['metadata']) ? { metadata: value['metadata'] } : {}),
    spec: value['spec'] as TemplatePod['spec'],
  };
}

function checkSpec(spec: Record<string, unknown>): string | undefined {
  const containers = spec['containers'];
  if (!Array.isArray(containers) || containers.length === 0) return 'the Pod template needs at least one container (spec.containers)';
  const names = new Set<string>();
  for (const [i, c] of containers.entries()) {
    if (!isRecord(c)) return `spec.containers[${i}] must be a mapping`;
    const name = c['name'];
    if (name === undefined && i === 0) continue; // the job container: coflow names it
    if (typeof name !== 'string' || name === '') return `spec.containers[${i}] needs a name`;
    if (names.has(name)) return `two containers are named ${JSON.stringify(name)}`;
    names.add(name);
  }
  const image = (containers[0] as Record<string, unknown>)['image'];
  if (image !== undefined && typeof image !== 'string') return 'spec.containers[0].image must be a string';
  const restart = spec['restartPolicy'];
  if (restart !== undefined && restart !== 'Never') {
    return `restartPolicy must be Never (or absent), not ${JSON.stringify(restart)}: coflow retries a job with a new Pod`;
  }
  return undefined;
}
