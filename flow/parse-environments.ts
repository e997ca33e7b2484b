/**
 * Parses an environments file (issue 13, docs/deploy-jobs.md): the
 * environments of one coflow namespace, each with a tier, a Kubernetes
 * namespace and cluster, protection and values. Every problem is reported
 * with its path and line:column, like a flow file's.
 */
import { isScalar } from 'yaml';
import {
  ENVIRONMENT_TIERS,
  type EnvironmentCluster,
  type EnvironmentProtection,
  type EnvironmentSpec,
  type EnvironmentsSpec,
} from './environments.ts';
import { formatFlowIssue, type FlowIssue } from './errors.ts';
import { DNS_LABEL } from './read-deploy-target.ts';
import { readYamlFile } from './read-yaml-file.ts';
import type { YamlReader} from './yaml-reader.ts';
import { describe, type Field } from './yaml-reader.ts';

export type EnvironmentsValidation =
  | { readonly ok: true; readonly spec: EnvironmentsSpec; readonly warnings: readonly FlowIssue[] }
  | { readonly ok: false; readonly issues: readonly FlowIssue[]; readonly warnings: readonly FlowIssue[] };

/** Thrown by {@link parseEnvironments}: every problem of the file. */
export class EnvironmentsValidationError extends Error {
  override readonly name = 'EnvironmentsValidationError';
  readonly issues: readonly FlowIssue[];
  /** The file name given to the parser, used in the message. */
  readonly file: string | undefined;

  constructor(issues: readonly FlowIssue[], file?: string) {
    const count = issues.length === 1 ? '1 issue' : `${issues.length} issues`;
    super([`invalid environments file (${count}):`, ...issues.map((i) => `  ${formatFlowIssue(i, file ?? '<environments>')}`)].join('\n'));
    this.issues = issues;
    this.file = file;
  }
}

const FILE_FIELDS = ['namespace', 'alerts', 'environments'];
const ENVIRONMENT_FIELDS = ['name', 'title', 'tier', 'kubernetes', 'protection', 'values'];
/** A coflow namespace: the first part of flow uris. */
const NAMESPACE = /^[A-Za-z0-9][\w.-]*$/;
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const VALUE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Parses and checks an environments file; throws {@link EnvironmentsValidationError}. */
export function parseEnvironments(text: string, opts: EnvironmentsOptions = {}): { spec: EnvironmentsSpec; warnings: readonly FlowIssue[] } {
  const result = validateEnvironments(text, opts);
  if (!result.ok) throw new EnvironmentsValidationError(result.issues, opts.file);
  return { spec: result.spec, warnings: result.warnings };
}

export interface EnvironmentsOptions {
  /** The namespace the file must declare (the API's path), when known. */
  readonly namespace?: string;
  /** File name shown in error messages. */
  readonly file?: string;
}

/** Like {@link parseEnvironments}, returning the issues instead of throwing. */
export function validateEnvironments(text: string, opts: EnvironmentsOptions = {}): EnvironmentsValidation {
  const outcome = readYamlFile(text, (r) => readFile(r, opts.namespace));
  return outcome.ok ? { ok: true, spec: outcome.value, warnings: outcome.warnings } : outcome;
}

function readFile(r: YamlReader, expected: string | undefined): EnvironmentsSpec | undefined {
  const root = r.root();
  if (root.node === null) {
    r.report(root, 'the environments file is empty');
    return undefined;
  }
  const m = r.map(root, FILE_FIELDS);
  if (m === undefined) return undefined;
  const nsField = m.get('namespace');
  const namespace = nsField === undefined ? undefined : r.string(nsField);
  if (nsField === undefined) r.report(m.missing('namespace'), 'an environments file needs a "namespace": the first part of the uris of the flows that deploy to them');
  else if (namespace !== undefined && !NAMESPACE.test(namespace)) r.report(nsField, `"${namespace}" is not a namespace (letters, digits, ".", "-" and "_")`);
  else if (namespace !== undefined && expected !== undefined && namespace !== expected) {
    r.report(nsField, `the file declares namespace "${namespace}" but is applied to "${expected}"; they must be the same`);
  }

  let alerts: { tokenSecret: string } | undefined;
  const alertsField = m.get('alerts');
  if (alertsField !== undefined) {
    const tokenField = r.map(alertsField, ['tokenSecret'])?.get('tokenSecret');
    const tokenSecret = tokenField === undefined ? undefined : readSecretName(r, tokenField);
    if (tokenField === undefined) r.report(alertsField, 'alerts needs "tokenSecret": the stored secret the Alertmanager\'s bearer token must equal');
    if (tokenSecret !== undefined) alerts = { tokenSecret };
  }

  const envsField = m.get('environments');
  const items = envsField === undefined ? [] : (r.seq(envsField) ?? []);
  if (items.length === 0) r.report(envsField ?? m.missing('environments'), 'an environments file declares at least one environment');
  const environments: EnvironmentSpec[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const env = readEnvironment(r, item);
    if (env === undefined) continue;
    if (seen.has(env.name)) r.report(item, `environment "${env.name}" is declared twice`);
    seen.add(env.name);
    environments.push(env);
  }
  if (namespace === undefined) return undefined;
  return { namespace, environments, ...(alerts === undefined ? {} : { alerts }) };
}

function readEnvironment(r: YamlReader, field: Field): EnvironmentSpec | undefined {
  const m = r.map(field, ENVIRONMENT_FIELDS);
  if (m === undefined) return undefined;
  const nameField = m.get('name');
  const name = nameField === undefined ? undefined : r.string(nameField);
  if (nameField === undefined) r.report(m.missing('name'), 'an environment needs a "name"');
  else if (name !== undefined && !DNS_LABEL.test(name)) r.report(nameField, `"${name}" is not an environment name: lower-case letters, digits and "-", at most 63, starting and ending with a letter or digit`);
  const titleField = m.get('title');
  const title = titleField === undefined ? undefined : r.text(titleField);
  const tierField = m.get('tier');
  const tier = tierField === undefined ? undefined : r.oneOf(tierField, ENVIRONMENT_TIERS);
  if (tierField === undefined) r.report(m.missing('tier'), `an environment needs a "tier": ${ENVIRONMENT_TIERS.join(', ')}`);
  const k8sField = m.get('kubernetes');
  if (k8sField === undefined) r.report(m.missing('kubernetes'), 'an environment needs "kubernetes": { namespace: NAME }, where its deployments go');
  const k8s = k8sField === undefined ? undefined : readKubernetes(r, k8sField);
  const protectionField = m.get('protection');
  const protection = (protectionField === undefined ? undefined : readProtection(r, protectionField)) ?? { approvers: [], branches: [] };
  if (tier === 'production' && protection.approvers.length === 0 && protection.branches.length === 0) {
    r.warn(nameField ?? field, `production environment "${name ?? ''}" has no protection: any run of any branch may deploy to it; add protection: { approvers, branches }`);
  }
  const valuesField = m.get('values');
  const values = valuesField === undefined ? {} : readValues(r, valuesField);
  if (name === undefined || tier === undefined || k8s === undefined) return undefined;
  return { name, ...(title === undefined ? {} : { title }), tier, kubernetesNamespace: k8s.namespace, cluster: k8s.cluster, protection, values };
}

function readKubernetes(r: YamlReader, field: Field): { namespace: string; cluster: EnvironmentCluster } | undefined {
  const m = r.map(field, ['namespace', 'cluster', 'kubeconfig']);
  if (m === undefined) return undefined;
  const nsField = m.get('namespace');
  const namespace = nsField === undefined ? undefined : r.string(nsField);
  if (nsField === undefined) r.report(m.missing('namespace'), 'kubernetes needs a "namespace": the Kubernetes namespace deployments go to');
  else if (namespace !== undefined && !DNS_LABEL.test(namespace)) r.report(nsField, `"${namespace}" is not a Kubernetes namespace name (a DNS label: lower-case letters, digits and "-", at most 63)`);
  const clusterField = m.get('cluster');
  const kubeconfigField = m.get('kubeconfig');
  let cluster: EnvironmentCluster = { kind: 'runner' };
  if (clusterField !== undefined) {
    const kind = r.oneOf(clusterField, ['runner', 'kubeconfig']);
    if (kind === 'kubeconfig' && kubeconfigField === undefined) r.report(clusterField, 'cluster: kubeconfig needs "kubeconfig": { secret: NAME }');
    if (kind === 'runner' && kubeconfigField !== undefined) r.report(kubeconfigField, '"kubeconfig" contradicts "cluster: runner"; drop one of them');
  }
  if (kubeconfigField !== undefined) {
    const secretField = r.map(kubeconfigField, ['secret'])?.get('secret');
    if (secretField === undefined) r.report(kubeconfigField, 'kubeconfig needs "secret": the stored secret holding the kubeconfig (YAML)');
    const secret = secretField === undefined ? undefined : readSecretName(r, secretField);
    if (secret !== undefined) cluster = { kind: 'kubeconfig', secret };
  }
  return namespace === undefined ? undefined : { namespace, cluster };
}

function readProtection(r: YamlReader, field: Field): EnvironmentProtection | undefined {
  const m = r.map(field, ['approvers', 'branches']);
  if (m === undefined) return undefined;
  const list = (key: string, what: string): string[] => {
    const f = m.get(key);
    const items = (f === undefined ? undefined : r.stringList(f)) ?? [];
    const bad = items.find((i) => i.trim() === '' || /\s/.test(i) || i === 'role:');
    if (f !== undefined && bad !== undefined) r.report(f, `"${bad}" is not ${what}`);
    return items;
  };
  return { approvers: list('approvers', 'a user name or role:NAME'), branches: list('branches', 'a branch name or glob') };
}

function readValues(r: YamlReader, field: Field): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of r.map(field)?.entries ?? []) {
    if (!VALUE_NAME.test(entry.key)) {
      r.reportAt(entry.keyOffset, entry.field.path, `"${entry.key}" is not a value name (letters, digits, "_" and "-"; read as environment.values.NAME)`);
      continue;
    }
    const node = entry.field.node;
    if (!isScalar(node) || typeof node.value !== 'string') {
      r.report(entry.field, `values are strings (quote numbers and booleans: "${node !== null && isScalar(node) ? String(node.value) : '…'}"), got ${describe(node)}`);
      continue;
    }
    out[entry.key] = node.value;
  }
  return out;
}

function readSecretName(r: YamlReader, field: Field): string | undefined {
  const name = r.string(field);
  if (name !== undefined && !SECRET_NAME.test(name)) {
    r.report(field, `"${name}" is not a secret name (letters, digits and _)`);
    return undefined;
  }
  return name;
}
