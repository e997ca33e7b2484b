/**
 * Canary steps on the cluster (docs/deploy-jobs.md): the stable Deployment
 * keeps its (old) pod template and gives up as many replicas as the
 * `<name>-canary` Deployment runs with the new one; weight 100 applies the
 * new version to the stable Deployment and removes the canary; an abort
 * removes the canary and gives the stable version its replicas back.
 */
import type { ApplyInput, ApplyOutcome, CanaryStepInput } from '../../contracts/deploy.ts';
import { applyManifest, type ApplyContext } from './apply.ts';
import { canaryCopy, canaryName, canarySplit } from './canary-plan.ts';
import { parseManifest, replicasOf, type ManifestObject } from './manifest-objects.ts';
import { waitForRollout } from './rollout.ts';

const deploymentsOf = (objects: readonly ManifestObject[]): ManifestObject[] => objects.filter((o) => o.kind === 'Deployment');

async function removeCanaries(ctx: ApplyContext): Promise<void> {
  for (const d of deploymentsOf(ctx.manifest)) await ctx.objects.remove({ ...d, metadata: { ...d.metadata, name: canaryName(d.metadata.name) } });
}

/** One step; with no stable version live yet (a first deployment) every step promotes at once. */
export async function canaryStep(input: CanaryStepInput, ctx: ApplyContext): Promise<ApplyOutcome> {
  const deployments = deploymentsOf(ctx.manifest);
  const live = await Promise.all(deployments.map((d) => ctx.objects.read(d)));
  if (input.weight >= 100 || live.some((l) => l === undefined)) {
    const outcome = await applyManifest({ ...input, strategy: 'rolling' }, ctx);
    if (outcome.ok) await removeCanaries(ctx);
    return outcome;
  }
  for (const o of ctx.manifest) if (o.kind !== 'Deployment') await ctx.objects.apply(o, input.deploymentId);
  const workloads: { kind: string; name: string }[] = [];
  for (const d of deployments) {
    const split = canarySplit(replicasOf(d), input.weight);
    await ctx.objects.apply(canaryCopy(d, split.canary), input.deploymentId);
    await ctx.objects.mergePatch(d, { spec: { replicas: split.stable } });
    workloads.push({ kind: 'Deployment', name: d.metadata.name }, { kind: 'Deployment', name: canaryName(d.metadata.name) });
  }
  const failed = await waitForRollout({ ...ctx.wait, namespace: ctx.namespace, workloads });
  return failed === undefined ? { ok: true, pruned: [] } : { ok: false, reason: failed, pruned: [] };
}

/** Removes the canaries; the stable Deployments get the replicas of the previous manifest (else of this one) back. */
export async function canaryAbort(input: ApplyInput, ctx: ApplyContext): Promise<ApplyOutcome> {
  await removeCanaries(ctx);
  const previous = input.previousManifest === undefined ? [] : deploymentsOf(parseManifest(input.previousManifest));
  const workloads: { kind: string; name: string }[] = [];
  for (const d of deploymentsOf(ctx.manifest)) {
    if ((await ctx.objects.read(d)) === undefined) continue;
    const before = previous.find((p) => p.metadata.name === d.metadata.name);
    await ctx.objects.mergePatch(d, { spec: { replicas: replicasOf(before ?? d) } });
    workloads.push({ kind: 'Deployment', name: d.metadata.name });
  }
  const failed = await waitForRollout({ ...ctx.wait, namespace: ctx.namespace, workloads });
  return failed === undefined ? { ok: true, pruned: [] } : { ok: false, reason: failed, pruned: [] };
}
