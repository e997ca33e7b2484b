/** Where a deployment goes, as deploy jobs and `deployment:` marks write it: an environment and an application. */
import { defaultApplication } from './environments.ts';
import type { DeploymentMark } from './model.ts';
import type { Field, MapFields, YamlReader } from './yaml-reader.ts';

/** Kubernetes object names (RFC 1123 label), also used for environment names. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** `environment:` of a `deploy:` block or a `deployment:` mark: a DNS-label-like name. */
export function readTarget(r: YamlReader, m: MapFields, what: string): string | undefined {
  const f = m.get('environment');
  if (f === undefined) {
    r.report(m.missing('environment'), `${what} needs an "environment" (a name from the namespace's environments file)`);
    return undefined;
  }
  const name = r.string(f);
  if (name !== undefined && !DNS_LABEL.test(name)) r.report(f, `"${name}" is not an environment name (lower-case letters, digits and "-")`);
  return name;
}

/** `application:`; default: the repository part of the flow's uri. */
export function readApplication(r: YamlReader, m: MapFields, flowUri: string): string {
  const f = m.get('application');
  const fallback = defaultApplication(flowUri);
  if (f === undefined) return fallback;
  const name = r.string(f);
  if (name !== undefined && !/^[A-Za-z0-9][\w.-]*$/.test(name)) r.report(f, `"${name}" is not an application name (letters, digits, ".", "-" and "_")`);
  return name ?? fallback;
}

/** `deployment: { environment, application }` on a component or service job. */
export function readDeploymentMark(r: YamlReader, field: Field, flowUri: string): DeploymentMark | undefined {
  const m = r.map(field, ['environment', 'application']);
  if (m === undefined) return undefined;
  const environment = readTarget(r, m, 'a deployment mark');
  const application = readApplication(r, m, flowUri);
  return environment === undefined ? undefined : { environment, application };
}
