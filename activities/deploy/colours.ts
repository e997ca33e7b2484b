/**
 * Blue-green colours (docs/deploy-jobs.md): each Deployment is rendered as
 * `<name>-<colour>` with the colour in its labels, selector and pod template;
 * the Service named by the job selects the colour too. Blue goes first, then
 * the colour the pair's last successful deployment did not use. Pure.
 */
import { DEPLOY_LABELS } from '../../contracts/deploy.ts';
import {
  addLabels,
  addSelectorLabels,
  isWorkload,
  ManifestError,
  podTemplates,
  replicasOf,
  serviceSelector,
  setReplicas,
  setServiceSelector,
  shortName,
  type ManifestObject,
} from './manifest-objects.ts';

export const COLOURS = ['blue', 'green'] as const;

/** The colour of a rendered blue-green manifest (its Deployments'), if any. */
export function colourOf(objects: readonly ManifestObject[]): string | undefined {
  for (const o of objects) {
    const colour = o.kind === 'Deployment' ? o.metadata.labels?.[DEPLOY_LABELS.colour] : undefined;
    if (colour !== undefined) return colour;
  }
  return undefined;
}

export function nextColour(previous: string | undefined): string {
  return previous === 'blue' ? 'green' : 'blue';
}

/**
 * Paints the manifest's Deployments with `colour` and points the Service at
 * it. StatefulSets and DaemonSets are refused: doubling them would double
 * their storage or their per-node Pods. `replicas` is made explicit (default
 * 1), so a colour scaled down earlier comes back whole.
 */
export function paintBlueGreen(objects: ManifestObject[], colour: string, service: string): void {
  const label = { [DEPLOY_LABELS.colour]: colour };
  let deployments = 0;
  for (const o of objects) {
    if (o.kind === 'Deployment') {
      deployments++;
      o.metadata.name = `${o.metadata.name}-${colour}`;
      addLabels(o, label);
      addSelectorLabels(o, label);
      for (const template of podTemplates(o)) addLabels(template, label);
      setReplicas(o, replicasOf(o));
    } else if (isWorkload(o)) {
      throw new ManifestError(`${shortName(o)}: blue-green deploys Deployments only (a ${o.kind} cannot run in two colours)`);
    }
  }
  if (deployments === 0) throw new ManifestError('a blue-green deployment needs a Deployment in the manifest');
  const target = objects.find((o) => o.kind === 'Service' && o.metadata.name === service);
  if (target !== undefined) {
    setServiceSelector(target, { ...serviceSelector(target), ...label });
    if (Object.keys(serviceSelector(target)).length === 1) throw new ManifestError(`service/${service} has no selector of its own: it would select every Pod of the colour`);
  }
}

/** The colour-specific Service switch of a manifest that does not hold the Service: the selector to merge into the live one. */
export function colourSelector(colour: string): Record<string, string> {
  return { [DEPLOY_LABELS.colour]: colour };
}
