/**
 * Canary arithmetic (docs/deploy-jobs.md): at weight w of a Deployment with
 * n replicas the canary runs ceil(w% × n) of them and the stable version the
 * rest; weight 100 promotes (the stable Deployment gets the new version).
 * Pure.
 */
import { DEPLOY_LABELS } from '../../contracts/deploy.ts';
import { addLabels, addSelectorLabels, copyObject, podTemplates, setReplicas, type ManifestObject } from './manifest-objects.ts';

export interface CanarySplit {
  readonly canary: number;
  readonly stable: number;
}

/** Splits `total` replicas at `weight` percent (1–100); the canary gets at least one replica. */
export function canarySplit(total: number, weight: number): CanarySplit {
  if (!Number.isInteger(weight) || weight < 1 || weight > 100) throw new RangeError(`canary weight must be 1–100, got ${weight}`);
  const canary = Math.min(total, Math.max(1, Math.ceil((weight * total) / 100)));
  return { canary, stable: total - canary };
}

/** The name of a Deployment's canary copy. */
export function canaryName(deployment: string): string {
  return `${deployment}-canary`;
}

/** The canary copy of a (rendered) Deployment: its own name, `track: canary` in labels, selector and pods. */
export function canaryCopy(deployment: ManifestObject, replicas: number): ManifestObject {
  const copy = copyObject(deployment);
  const track = { [DEPLOY_LABELS.track]: 'canary' };
  copy.metadata.name = canaryName(deployment.metadata.name);
  addLabels(copy, track);
  addSelectorLabels(copy, track);
  for (const template of podTemplates(copy)) addLabels(template, track);
  setReplicas(copy, replicas);
  return copy;
}
