/**
 * Deploy targets checked against the namespace's environments file (issue 13,
 * docs/deploy-jobs.md "Protection"): the environment exists; a branch-protected
 * environment is not reachable from a webhook trigger that fires for other
 * branches; an approver-protected one is preceded by an approval gate limited
 * to its approvers. Located at the `environment:` field; pure.
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { gateWithinProtection, type EnvironmentSpec, type EnvironmentsSpec } from './environments.ts';
import { matchesGlobs } from './globs.ts';
import { HOOK_KINDS, type StageSpec } from './model.ts';
import { choiceList, closestName } from './suggest.ts';
import type { Field, MapFields, YamlReader } from './yaml-reader.ts';

/** A job that deploys: a deploy job's `deploy.environment`, or a `deployment:` mark's. */
export interface DeployTarget {
  readonly environment: string;
  /** Where the `environment:` value is written. */
  readonly field: Field;
  readonly stageIndex: number;
  readonly jobPath: string;
}

/**
 * What validation knows of the namespace's environments: the file, `null`
 * when the namespace has none, `undefined` when it cannot know (offline).
 */
export type KnownEnvironments = EnvironmentsSpec | null | undefined;

/** Checks every deploy target of a flow. */
export function checkDeployTargets(
  r: YamlReader,
  known: KnownEnvironments,
  namespace: string,
  targets: readonly DeployTarget[],
  stages: readonly StageSpec[],
  root: MapFields,
): void {
  const first = targets[0];
  if (first === undefined) return;
  if (known === undefined) {
    r.warn(first.field, 'deploy targets are not checked here: the namespace\'s environments are known only to the server (validate through the API)');
    return;
  }
  if (known === null) {
    for (const t of targets) r.report(t.field, `namespace "${namespace}" has no environments file: apply one first (coflow environments apply FILE) declaring "${t.environment}"`);
    return;
  }
  const names = known.environments.map((e) => e.name);
  const triggers = hookTriggers(r, root);
  for (const t of targets) {
    const env = known.environments.find((e) => e.name === t.environment);
    if (env === undefined) {
      const hint = closestName(t.environment, names);
      r.report(t.field, `unknown environment "${t.environment}"${hint === undefined ? '' : `; did you mean "${hint}"?`} (namespace "${namespace}" declares ${choiceList(names)})`);
      continue;
    }
    checkBranches(r, env, t, triggers);
    checkApprovers(r, env, t, stages);
  }
}

/** A webhook trigger as written: its branch, tag and event filters and where it is. */
interface WrittenTrigger {
  readonly kind: string;
  readonly line: number;
  readonly branches: readonly string[];
  readonly tags: readonly string[];
  readonly events: readonly string[];
}

function hookTriggers(r: YamlReader, root: MapFields): WrittenTrigger[] {
  const f = root.get('triggers');
  if (f === undefined) return [];
  const maps = isSeq(f.node) ? f.node.items : [f.node];
  const out: WrittenTrigger[] = [];
  for (const item of maps) {
    if (!isMap(item)) continue;
    for (const pair of item.items) {
      const kind = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!(HOOK_KINDS as readonly string[]).includes(kind)) continue;
      const value = pair.value as Node | null;
      const list = (key: string): string[] => {
        const v: unknown = isMap(value) ? value.get(key, true) : undefined;
        if (isScalar(v)) return [String(v.value)];
        return isSeq(v) ? v.items.flatMap((i) => (isScalar(i) ? [String(i.value)] : [])) : [];
      };
      const offset = (pair.key as Node | null)?.range?.[0] ?? f.offset;
      out.push({ kind, line: r.lineOf(offset), branches: list('branches'), tags: list('tags'), events: list('events') });
    }
  }
  return out;
}

/** Why a trigger can start a run for a branch the environment does not allow, or undefined. */
function branchLeak(trigger: WrittenTrigger, allowed: readonly string[]): string | undefined {
  const events = trigger.events.map((e) => e.toLowerCase().replace(/[\s-]+/g, '_'));
  if (events.length === 0 || events.some((e) => e.startsWith('pull_request') || e.startsWith('merge_request'))) {
    if (trigger.branches.length > 0 || trigger.tags.length === 0) return 'fires on pull requests (their code is not yet on the branch); list "events: [push]"';
  }
  if (trigger.branches.length === 0) return trigger.tags.length > 0 ? undefined : 'has no "branches:" filter, so it fires for every branch';
  const open = trigger.branches.filter((p) => !p.startsWith('!') && !matchesGlobs(p, allowed));
  return open.length === 0 ? undefined : `fires for branches ${open.join(', ')}, not all covered`;
}

function checkBranches(r: YamlReader, env: EnvironmentSpec, t: DeployTarget, triggers: readonly WrittenTrigger[]): void {
  const allowed = env.protection.branches;
  if (allowed.length === 0) return;
  for (const trigger of triggers) {
    const leak = branchLeak(trigger, allowed);
    if (leak !== undefined) {
      r.report(t.field, `environment "${env.name}" accepts deployments from branches ${allowed.join(', ')} only, but the ${trigger.kind} trigger on line ${trigger.line} ${leak}`);
    }
  }
}

function checkApprovers(r: YamlReader, env: EnvironmentSpec, t: DeployTarget, stages: readonly StageSpec[]): void {
  const approvers = env.protection.approvers;
  if (approvers.length === 0) return;
  const gates = stages.slice(0, t.stageIndex).filter((s) => s.type === 'pause');
  if (gates.some((g) => gateWithinProtection(g.approval?.approvers ?? [], env.protection))) return;
  const needed = `environment "${env.name}" needs an approval by ${approvers.join(', ')}`;
  if (gates.length === 0) {
    r.report(t.field, `${needed}: add a pause stage before this job's stage with approval: { approvers: [...] } chosen among them`);
    return;
  }
  const gate = gates[gates.length - 1]!;
  const theirs = gate.approval?.approvers ?? [];
  const why = theirs.length === 0 ? 'lets any operator approve' : `lets ${theirs.filter((a) => !approvers.includes(a)).join(', ')} approve`;
  r.report(t.field, `${needed}, but the pause stage "${gate.name}" before it ${why}; limit its approvers to ${approvers.join(', ')}`);
}
