/**
 * Reads a `type: deploy` job (issue 13, docs/deploy-jobs.md): render a
 * manifest for an environment, apply it to Kubernetes, wait for the rollout.
 * Only the job fields that mean something for a deployment are accepted; the
 * others are refused with the reason. Whether the environment exists is
 * checked against the namespace's environments file (check-environments.ts).
 */
import { isMap, isScalar } from 'yaml';
import { DEPLOY_ON_FAILURE, DEPLOY_STRATEGIES, type BlueGreenSpec, type CanarySpec, type CanaryStep, type DeployManifestSource, type DeploySpec, type Millis } from './model.ts';
import { checkInlineManifest } from './deploy-manifest.ts';
import { DEFAULT_BACKOFF_MS, DEFAULT_MAX_BACKOFF_MS, type DraftJob, type JobDefaults } from './parse-job.ts';
import { readCondition, readDuration, readName } from './read-values.ts';
import { closestName } from './suggest.ts';
import { DNS_LABEL, readApplication, readTarget } from './read-deploy-target.ts';
import { childPath, type Field, type YamlReader } from './yaml-reader.ts';

/** How long the old colour keeps its replicas after a blue-green switch when `scaleDownAfter` is not written. */
export const DEFAULT_SCALE_DOWN_AFTER_MS: Millis = 600_000;

const DEPLOY_JOB_FIELDS = ['name', 'title', 'type', 'deploy', 'timeout', 'if', 'allowFailure', 'workspace', 'onFailure'];
const DEPLOY_FIELDS = ['environment', 'application', 'manifest', 'strategy', 'blueGreen', 'canary'];

/** Why a container or service job field means nothing on a deploy job. */
const REFUSED: Readonly<Record<string, string>> = {
  endpoint: 'a deploy job runs no container of its own (coflow applies the manifest)',
  component: 'a deploy job runs no container of its own (coflow applies the manifest)',
  script: 'a deploy job runs no container of its own (coflow applies the manifest)',
  command: 'a deploy job runs no container of its own (coflow applies the manifest)',
  args: 'a deploy job runs no container of its own (coflow applies the manifest)',
  kubectl: 'a deploy job runs no container of its own; put the objects in "deploy.manifest"',
  imagePullPolicy: 'a deploy job runs no container of its own; set imagePullPolicy in the manifest',
  resources: 'a deploy job runs no container of its own; set resources in the manifest',
  inputs: 'a deploy job has no inputs; the manifest reads ${{ }} expressions directly',
  environments: 'a deploy job has no environment variables; the manifest reads ${{ env.* }} (the flow\'s) and ${{ environment.values.* }}',
  subscriptions: 'a deploy job has no environment variables; read earlier jobs\' outputs in the manifest with ${{ jobs.<job>.outputs.<KEY> }}',
  outputs: 'a deploy job declares no outputs',
  pre: 'a deploy job runs no Lua hooks',
  post: 'a deploy job runs no Lua hooks',
  repeat: 'a deployment is not repeated',
  service: 'a deploy job makes no HTTP call; use a service job with "deployment:" for a deployment another system performs',
  deployment: 'a deploy job is recorded as a deployment already; "deployment:" marks component and service jobs',
  retries: 'a deploy job is not retried (a second apply over a half-done rollout hides the first failure); use "onFailure: rollback", or run again',
};

/** Whether a job mapping declares `type: deploy` (read before the job's fields, to pick its reader). */
export function isDeployJob(field: Field): boolean {
  if (!isMap(field.node)) return false;
  return field.node.items.some((pair) => isScalar(pair.key) && pair.key.value === 'type' && isScalar(pair.value) && pair.value.value === 'deploy');
}

/** Reads a deploy job; returns undefined only when it is not a mapping. */
export function readDeployJob(r: YamlReader, field: Field, defaults: JobDefaults): DraftJob | undefined {
  const m = r.map(field);
  if (m === undefined) return undefined;
  for (const entry of m.entries) {
    if (DEPLOY_JOB_FIELDS.includes(entry.key)) continue;
    const at = childPath(field.path, entry.key);
    const reason = REFUSED[entry.key];
    if (reason !== undefined) r.reportAt(entry.keyOffset, at, `"${entry.key}" is not allowed on a deploy job: ${reason}`);
    else {
      const hint = closestName(entry.key, DEPLOY_JOB_FIELDS);
      r.reportAt(entry.keyOffset, at, `unknown field "${entry.key}" on a deploy job${hint === undefined ? '' : `; did you mean "${hint}"?`}`);
    }
  }
  const get = <T>(key: string, read: (f: Field) => T | undefined): T | undefined => {
    const f = m.get(key);
    return f === undefined ? undefined : read(f);
  };
  const nameField = m.get('name');
  const name = get('name', (f) => readName(r, f));
  const title = get('title', (f) => r.text(f));
  const condition = get('if', (f) => readCondition(r, f));
  const timeoutMs = get('timeout', (f) => readDuration(r, f)) ?? 0;
  const allowFailure = get('allowFailure', (f) => r.boolean(f)) ?? false;
  const workspace = get('workspace', (f) => r.boolean(f)) ?? defaults.workspace;
  const onFailure = get('onFailure', (f) => r.oneOf(f, DEPLOY_ON_FAILURE));

  const deployField = m.get('deploy');
  if (deployField === undefined) r.report(m.missing('deploy'), 'a deploy job needs "deploy": { environment, manifest, strategy }');
  const deploy = deployField === undefined ? undefined : readDeploy(r, deployField, defaults.flowUri);
  if (deployField !== undefined && deploy !== undefined && 'file' in deploy.manifest && !workspace) {
    r.report(deployField, `the manifest file "${deploy.manifest.file}" is read from the run's workspace: add "workspace: true" to the job or the flow`);
  }

  const spec: DraftJob['spec'] = {
    kind: 'deploy',
    ...(title === undefined ? {} : { title }),
    ...(deploy === undefined ? {} : { deploy }),
    ...(onFailure === undefined ? {} : { onFailure }),
    inputs: {},
    // `env` in the manifest reads the flow's environments.
    environments: { ...defaults.environments },
    outputs: [],
    timeoutMs,
    retries: { max: 0, backoffMs: DEFAULT_BACKOFF_MS, maxBackoffMs: DEFAULT_MAX_BACKOFF_MS },
    resources: {},
    allowFailure,
    workspace,
    ...(condition === undefined ? {} : { if: condition }),
  };
  return { field, name, nameField, nameBase: deploy?.environment === undefined ? undefined : `deploy-${deploy.environment}`, spec, links: [] };
}

/** The `deploy:` block. */
function readDeploy(r: YamlReader, field: Field, flowUri: string): DeploySpec | undefined {
  const m = r.map(field, DEPLOY_FIELDS);
  if (m === undefined) return undefined;
  const environment = readTarget(r, m, 'a deploy job');
  const application = readApplication(r, m, flowUri);
  const manifestField = m.get('manifest');
  if (manifestField === undefined) r.report(m.missing('manifest'), 'a deploy job needs a "manifest": YAML written in the flow, or { file: PATH } in the workspace');
  const manifest = manifestField === undefined ? undefined : readManifest(r, manifestField);
  const strategyField = m.get('strategy');
  const strategy = (strategyField === undefined ? undefined : r.oneOf(strategyField, DEPLOY_STRATEGIES)) ?? 'rolling';

  const blueGreenField = m.get('blueGreen');
  const canaryField = m.get('canary');
  let blueGreen: BlueGreenSpec | undefined;
  let canary: CanarySpec | undefined;
  if (strategy === 'blue-green') {
    if (blueGreenField === undefined) r.report(m.missing('blueGreen'), 'the blue-green strategy needs "blueGreen": { service: NAME } (the Service that follows the live colour)');
    else blueGreen = readBlueGreen(r, blueGreenField);
  } else if (blueGreenField !== undefined) r.report(blueGreenField, `"blueGreen" belongs to the blue-green strategy; this job's strategy is ${strategy}`);
  if (strategy === 'canary') {
    if (canaryField === undefined) r.report(m.missing('canary'), 'the canary strategy needs "canary": { steps: [ { weight: 25, pause: 5m }, … ] }');
    else canary = readCanary(r, canaryField);
  } else if (canaryField !== undefined) r.report(canaryField, `"canary" belongs to the canary strategy; this job's strategy is ${strategy}`);

  if (environment === undefined || manifest === undefined) return undefined;
  return { environment, application, manifest, strategy, ...(blueGreen === undefined ? {} : { blueGreen }), ...(canary === undefined ? {} : { canary }) };
}

/** `manifest: |` (inline YAML) or `manifest: { file: PATH }`. */
function readManifest(r: YamlReader, field: Field): DeployManifestSource | undefined {
  if (isMap(field.node)) {
    const fileField = r.map(field, ['file'])?.get('file');
    if (fileField === undefined) {
      r.report(field, 'a manifest file is written { file: PATH } (a file, a folder or a kustomization in the workspace)');
      return undefined;
    }
    const file = r.string(fileField);
    if (file === undefined) return undefined;
    if (file.trim() === '' || file.startsWith('/') || file.split('/').includes('..')) {
      r.report(fileField, `"${file}" is not a path inside the workspace (relative, without "..")`);
      return undefined;
    }
    return { file };
  }
  const inline = r.string(field);
  if (inline === undefined) return undefined;
  const problem = checkInlineManifest(inline);
  if (problem !== undefined) r.report(field, problem);
  return { inline };
}

function readBlueGreen(r: YamlReader, field: Field): BlueGreenSpec | undefined {
  const m = r.map(field, ['service', 'scaleDownAfter']);
  if (m === undefined) return undefined;
  const serviceField = m.get('service');
  const service = serviceField === undefined ? undefined : r.string(serviceField);
  if (serviceField === undefined) r.report(m.missing('service'), 'blueGreen needs "service": the Service whose selector follows the live colour');
  else if (service !== undefined && !DNS_LABEL.test(service)) r.report(serviceField, `"${service}" is not a Kubernetes Service name`);
  const afterField = m.get('scaleDownAfter');
  const scaleDownAfterMs = (afterField === undefined ? undefined : readDuration(r, afterField)) ?? DEFAULT_SCALE_DOWN_AFTER_MS;
  return service === undefined ? undefined : { service, scaleDownAfterMs };
}

function readCanary(r: YamlReader, field: Field): CanarySpec | undefined {
  const m = r.map(field, ['steps']);
  if (m === undefined) return undefined;
  const stepsField = m.get('steps');
  const items = stepsField === undefined ? [] : (r.seq(stepsField) ?? []);
  if (items.length === 0) {
    r.report(stepsField ?? m.missing('steps'), 'a canary needs at least one step: { weight: 1–100, pause: DURATION } or { weight, approval: true }');
    return undefined;
  }
  const steps: CanaryStep[] = [];
  let last = 0;
  for (const item of items) {
    const sm = r.map(item, ['weight', 'pause', 'approval']);
    if (sm === undefined) continue;
    const weightField = sm.get('weight');
    const weight = weightField === undefined ? undefined : r.integer(weightField, 1);
    if (weightField === undefined) r.report(sm.missing('weight'), 'a canary step needs a "weight": the percent of replicas on the new version (1–100)');
    else if (weight !== undefined && weight > 100) r.report(weightField, `a weight is a percent (1–100), got ${weight}`);
    else if (weight !== undefined && weight <= last) r.report(weightField, `weights must increase step by step: ${weight} follows ${last}`);
    const pauseField = sm.get('pause');
    const approvalField = sm.get('approval');
    const pauseMs = pauseField === undefined ? undefined : readDuration(r, pauseField);
    const approval = approvalField === undefined ? undefined : r.boolean(approvalField);
    if ((pauseField === undefined) === (approvalField === undefined)) {
      r.report(item, 'a canary step takes exactly one of "pause: DURATION" or "approval: true"');
    } else if (approvalField !== undefined && approval === false) r.report(approvalField, 'write "approval: true", or give a "pause" instead');
    if (weight === undefined || weight > 100) continue;
    last = Math.max(last, weight);
    steps.push({ weight, ...(pauseMs === undefined ? {} : { pauseMs }), ...(approval === true ? { approval } : {}) });
  }
  return { steps };
}
