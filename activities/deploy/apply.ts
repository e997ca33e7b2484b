/**
 * Applying a rendered manifest (docs/deploy-jobs.md): server-side apply of
 * every object, the rollout wait, blue-green's Service switch once the new
 * colour is ready, and the prune of what the previous manifest had and this
 * one lacks (only objects that carry coflow's labels of the pair).
 */
import type { ApplyInput, ApplyOutcome } from '../../contracts/deploy.ts';
import { DEPLOY_LABELS } from '../../contracts/deploy.ts';
import { colourSelector } from './colours.ts';
import type { ClusterObjects } from './cluster-objects.ts';
import { colourOf } from './colours.ts';
import { fullName, isWorkload, objectKey, parseManifest, type ManifestObject } from './manifest-objects.ts';
import { waitForRollout, type RolloutWait } from './rollout.ts';

/** What one apply works with: the cluster, the objects (secrets resolved), the wait settings. */
export interface ApplyContext {
  readonly objects: ClusterObjects;
  readonly manifest: readonly ManifestObject[];
  readonly namespace: string;
  readonly wait: Omit<RolloutWait, 'workloads' | 'namespace'>;
}

export const workloadsOf = (objects: readonly ManifestObject[]): { kind: string; name: string }[] =>
  objects.filter(isWorkload).map((o) => ({ kind: o.kind, name: o.metadata.name }));

/** Applies everything, waits, switches (blue-green), prunes. */
export async function applyManifest(input: ApplyInput, ctx: ApplyContext): Promise<ApplyOutcome> {
  const service = input.strategy === 'blue-green' ? input.blueGreen?.service : undefined;
  const isSwitch = (o: ManifestObject): boolean => o.kind === 'Service' && o.metadata.name === service;
  for (const o of ctx.manifest) if (!isSwitch(o)) await ctx.objects.apply(o, input.deploymentId);
  const failed = await waitForRollout({ ...ctx.wait, namespace: ctx.namespace, workloads: workloadsOf(ctx.manifest) });
  if (failed !== undefined) return { ok: false, reason: failed, pruned: [] };
  if (service !== undefined) {
    const switched = await switchService(input, ctx, service);
    if (switched !== undefined) return { ok: false, reason: switched, pruned: [] };
  }
  return { ok: true, pruned: await prune(input, ctx) };
}

/** Points the blue-green Service at the new colour: applied from the manifest, or its live selector patched. */
async function switchService(input: ApplyInput, ctx: ApplyContext, service: string): Promise<string | undefined> {
  const inManifest = ctx.manifest.find((o) => o.kind === 'Service' && o.metadata.name === service);
  if (inManifest !== undefined) {
    await ctx.objects.apply(inManifest, input.deploymentId);
    return undefined;
  }
  const colour = colourOf(ctx.manifest);
  const ref = { apiVersion: 'v1', kind: 'Service', metadata: { name: service, namespace: ctx.namespace } };
  if (colour === undefined) return 'the manifest has no coloured Deployment (was it rendered for blue-green?)';
  if ((await ctx.objects.read(ref)) === undefined) return `service/${service} is neither in the manifest nor in namespace ${ctx.namespace}: blue-green has nothing to switch`;
  // The pair's labels let a later scale-down find the Service and see which colour it serves.
  await ctx.objects.mergePatch(ref, {
    metadata: { labels: { [DEPLOY_LABELS.environment]: input.environment, [DEPLOY_LABELS.application]: input.application } },
    spec: { selector: colourSelector(colour) },
  });
  return undefined;
}

/** Deletes what the previous manifest had and this one lacks, if it is the pair's; blue-green keeps the other colour. */
async function prune(input: ApplyInput, ctx: ApplyContext): Promise<string[]> {
  if (input.previousManifest === undefined) return [];
  const kept = new Set(ctx.manifest.map(objectKey));
  const pruned: string[] = [];
  for (const old of parseManifest(input.previousManifest)) {
    if (kept.has(objectKey(old))) continue;
    if (input.strategy === 'blue-green' && old.metadata.labels?.[DEPLOY_LABELS.colour] !== undefined) continue;
    const live = await ctx.objects.read(old);
    const labels = live?.metadata?.labels ?? {};
    if (labels[DEPLOY_LABELS.environment] !== input.environment || labels[DEPLOY_LABELS.application] !== input.application) continue;
    if (await ctx.objects.remove(old)) pruned.push(fullName(old));
  }
  return pruned;
}
