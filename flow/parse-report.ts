/**
 * `report:` of a forge trigger (`github:`, `gitlab:`, `gitea:`): where and
 * how a run sets commit statuses back on the forge (docs/forges.md).
 */
import { isMap } from 'yaml';
import type { Field, YamlReader } from './yaml-reader.ts';
import { REPORT_FORGES, type HookKind, type ReportForge, type StatusReportSpec } from './model.ts';

const REPORT_FIELDS = ['token', 'app', 'api', 'context', 'stages'];
const NEEDS_CREDENTIAL = (kind: string): string =>
  kind === 'github'
    ? 'report needs "token" (the secret holding an API token) or "app" ({ id, privateKey } of a GitHub App)'
    : 'report needs "token" (the secret holding an API token)';

/** True for the forges coflow reports to. */
export function isReportForge(kind: HookKind): kind is ReportForge {
  return (REPORT_FORGES as readonly string[]).includes(kind);
}

/** `report:` on a forge trigger; undefined (reported) when it cannot say where to report. */
export function readReport(r: YamlReader, field: Field, kind: HookKind): StatusReportSpec | undefined {
  if (!isReportForge(kind)) {
    r.report(field, `report is only for github, gitlab and gitea triggers; a ${kind} trigger has no forge to report to`);
    return undefined;
  }
  // `report: true` cannot be honoured: there is no token to guess. Say what is needed instead.
  if (!isMap(field.node)) {
    r.report(field, `${NEEDS_CREDENTIAL(kind)}, as a mapping`);
    return undefined;
  }
  const map = r.map(field, REPORT_FIELDS);
  if (map === undefined) return undefined;
  const str = (key: string): string | undefined => {
    const f = map.get(key);
    const v = f === undefined ? undefined : r.string(f);
    if (f !== undefined && v !== undefined && v.trim() === '') r.report(f, `${key} must not be empty`);
    return v?.trim() || undefined;
  };
  const tokenSecret = str('token');
  const app = readApp(r, map.get('app'), kind);
  if (map.get('token') === undefined && map.get('app') === undefined) r.report(map.missing('token'), NEEDS_CREDENTIAL(kind));
  const tokenField = map.get('token');
  if (tokenField !== undefined && map.get('app') !== undefined && kind === 'github') {
    r.report(tokenField, 'report takes "token" or "app", not both: with an app, statuses and check runs are sent with its installation token');
  }
  const apiUrl = readApi(r, map.get('api'));
  if (map.get('api') === undefined && kind === 'gitea') r.report(map.missing('api'), 'a gitea report needs "api", the Gitea API base URL (e.g. https://gitea.example.com/api/v1)');
  const context = str('context');
  const stagesField = map.get('stages');
  const perStage = (stagesField === undefined ? undefined : r.boolean(stagesField)) ?? false;
  if (tokenSecret === undefined && app === undefined) return undefined;
  return { ...(tokenSecret ? { tokenSecret } : {}), ...(app ? { app } : {}), ...(apiUrl ? { apiUrl } : {}), ...(context ? { context } : {}), perStage };
}

function readApp(r: YamlReader, field: Field | undefined, kind: HookKind): StatusReportSpec['app'] {
  if (field === undefined) return undefined;
  if (kind !== 'github') {
    r.report(field, `app is a GitHub App and only works on github triggers; a ${kind} report takes "token"`);
    return undefined;
  }
  const map = r.map(field, ['id', 'privateKey']);
  if (map === undefined) return undefined;
  const idField = map.get('id');
  const keyField = map.get('privateKey');
  const id = idField === undefined ? undefined : r.text(idField);
  const privateKeySecret = keyField === undefined ? undefined : r.string(keyField);
  if (idField === undefined) r.report(map.missing('id'), 'app needs "id", the GitHub App id');
  else if (id !== undefined && !/^\d+$/.test(id.trim())) r.report(idField, `app id must be the GitHub App's number, got "${id}"`);
  if (keyField === undefined) r.report(map.missing('privateKey'), 'app needs "privateKey", the secret holding the App\'s private key (PEM)');
  if (id === undefined || !/^\d+$/.test(id.trim()) || !privateKeySecret) return undefined;
  return { id: id.trim(), privateKeySecret };
}

function readApi(r: YamlReader, field: Field | undefined): string | undefined {
  if (field === undefined) return undefined;
  const value = r.string(field);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    r.report(field, `api must be the forge's API base URL (http or https), got "${value}"`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    r.report(field, `api must be an http or https URL, got "${value}"`);
    return undefined;
  }
  if (url.search !== '' || url.hash !== '') {
    r.report(field, `api must be a base URL without query or fragment, got "${value}"`);
    return undefined;
  }
  return url.href.replace(/\/+$/, '');
}
