/**
 * Rendering a deploy job's manifest template into what is stored and applied
 * (docs/deploy-jobs.md): `${{ }}` evaluated (secrets left as written), the
 * objects checked, labelled with their environment and application, put into
 * the environment's Kubernetes namespace, and for blue-green given a colour.
 * Pure: the template text comes in, the stored text goes out.
 */
import { createHash } from 'node:crypto';
import { DEPLOY_LABELS } from '../../contracts/deploy.ts';
import { interpolate, readsSecrets, type ExprContexts } from '../../flow/expressions/index.ts';
import type { DeployStrategyName } from '../../flow/model.ts';
import { colourOf, nextColour, paintBlueGreen } from './colours.ts';
import {
  addLabels,
  imagesOf,
  isWorkload,
  ManifestError,
  parseManifest,
  podTemplates,
  serviceSelector,
  shortName,
  stringifyManifest,
  type ManifestObject,
} from './manifest-objects.ts';

/**
 * Kinds that live outside namespaces: refused, because a deployment of one
 * environment must not change what other environments share, and prune
 * works within the environment's namespace only.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'APIService', 'PriorityClass', 'RuntimeClass', 'IngressClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'CertificateSigningRequest',
  'ComponentStatus', 'FlowSchema', 'PriorityLevelConfiguration',
]);

export interface RenderSettings {
  readonly environment: string;
  readonly application: string;
  /** The environment's Kubernetes namespace: the default of every object, the only one allowed. */
  readonly kubernetesNamespace: string;
  readonly strategy: DeployStrategyName;
  /** Blue-green: the Service whose selector follows the live colour. */
  readonly blueGreenService?: string;
  /** The pair's last successful manifest (blue-green picks the other colour). */
  readonly previousManifest?: string;
  readonly contexts: ExprContexts;
  /** Masks secret values that reached the text by other ways than `${{ secrets.X }}`. */
  readonly mask?: (text: string) => string;
}

export interface RenderedManifest {
  readonly manifest: string;
  readonly digest: string;
  readonly images: readonly string[];
  readonly colour?: string;
}

/** Renders a template; a manifest the engine refuses throws ManifestError (or an expression error) with the reason. */
export function renderManifest(template: string, settings: RenderSettings): RenderedManifest {
  const text = interpolate(template, settings.contexts, { defer: readsSecrets });
  const masked = settings.mask === undefined ? text : settings.mask(text);
  const objects = parseManifest(masked);
  const pair = { [DEPLOY_LABELS.environment]: settings.environment, [DEPLOY_LABELS.application]: settings.application };
  for (const o of objects) placeObject(o, settings.kubernetesNamespace);
  refuseDuplicates(objects);
  for (const o of objects) {
    addLabels(o, pair);
    if (o.kind !== 'Pod') for (const template of podTemplates(o)) addLabels(template, pair);
  }
  let colour: string | undefined;
  if (settings.strategy === 'blue-green') {
    colour = nextColour(settings.previousManifest === undefined ? undefined : colourOf(parseManifest(settings.previousManifest)));
    paintBlueGreen(objects, colour, settings.blueGreenService ?? '');
  }
  if (settings.strategy === 'canary') prepareCanary(objects);
  const manifest = stringifyManifest(objects);
  return { manifest, digest: manifestDigest(manifest), images: imagesOf(objects), ...(colour === undefined ? {} : { colour }) };
}

export function manifestDigest(manifest: string): string {
  return `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
}

function placeObject(o: ManifestObject, namespace: string): void {
  if (CLUSTER_SCOPED_KINDS.has(o.kind)) {
    throw new ManifestError(`${shortName(o)}: ${o.kind} is cluster-scoped; deploy jobs deploy only namespaced objects (into the environment's namespace ${namespace})`);
  }
  const written = o.metadata.namespace;
  if (written !== undefined && written !== namespace) {
    throw new ManifestError(`${shortName(o)}: names namespace ${String(written)}, but the environment deploys to namespace ${namespace}`);
  }
  o.metadata.namespace = namespace;
}

function refuseDuplicates(objects: readonly ManifestObject[]): void {
  const seen = new Set<string>();
  for (const o of objects) {
    const key = `${o.kind}/${o.metadata.name}`;
    if (seen.has(key)) throw new ManifestError(`${shortName(o)} is in the manifest twice`);
    seen.add(key);
  }
}

/**
 * Canary: every Deployment's pods carry `track: stable` (the canary copy gets
 * `canary`), and no Service may select on the track, or it would serve only
 * one of the two. Replicas are made explicit (default 1): the steps count them.
 */
function prepareCanary(objects: ManifestObject[]): void {
  if (!objects.some((o) => o.kind === 'Deployment')) throw new ManifestError('a canary deployment needs a Deployment in the manifest');
  for (const o of objects) {
    if (o.kind === 'Service' && DEPLOY_LABELS.track in serviceSelector(o)) {
      throw new ManifestError(`${shortName(o)}: its selector names ${DEPLOY_LABELS.track}; a canary's Service must select stable and canary pods alike`);
    }
    if (isWorkload(o) && o.kind !== 'Deployment') throw new ManifestError(`${shortName(o)}: canary deploys Deployments only (a ${o.kind} cannot run two versions side by side)`);
    if (o.kind !== 'Deployment') continue;
    const spec = (o.spec ?? {}) as { replicas?: unknown };
    o.spec = { ...spec, replicas: typeof spec.replicas === 'number' ? spec.replicas : 1 };
    for (const template of podTemplates(o)) addLabels(template, { [DEPLOY_LABELS.track]: 'stable' });
  }
}
