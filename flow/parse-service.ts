/**
 * Reads a `type: service` job (SPEC §2): an HTTP call to a third-party
 * system, optionally waiting for that system to call back. Only the job
 * fields that mean something for an HTTP call are accepted.
 */
import { isMap, isScalar } from 'yaml';
import type { Millis, RetryPolicy, ServiceCallback, ServiceSpec } from './model.ts';
import { readDeploymentMark } from './read-deploy-target.ts';
import { DEFAULT_BACKOFF_MS, DEFAULT_MAX_BACKOFF_MS, ON_FAILURE_ONLY_DEPLOY, readOutputs, readRetries, type DraftJob, type JobDefaults } from './parse-job.ts';
import { readCondition, readDuration, readName } from './read-values.ts';
import { closestName } from './suggest.ts';
import { childPath, describe, type Field, type YamlReader } from './yaml-reader.ts';

/** A callback that names no timeout (and a job without `timeout`) waits this long. */
const DEFAULT_CALLBACK_TIMEOUT_MS: Millis = 3_600_000;

const SERVICE_JOB_FIELDS = ['name', 'title', 'type', 'service', 'timeout', 'retries', 'if', 'outputs', 'allowFailure', 'deployment'];
const SERVICE_FIELDS = ['url', 'method', 'headers', 'body', 'callback'];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
/** RFC 9110 token. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Whether a job mapping declares `type: service` (read before the job's fields, to pick its reader). */
export function isServiceJob(field: Field): boolean {
  if (!isMap(field.node)) return false;
  return field.node.items.some((pair) => isScalar(pair.key) && pair.key.value === 'type' && isScalar(pair.value) && pair.value.value === 'service');
}

/** Reads a service job; returns undefined only when it is not a mapping. */
export function readServiceJob(r: YamlReader, field: Field, defaults: JobDefaults): DraftJob | undefined {
  const m = r.map(field);
  if (m === undefined) return undefined;
  for (const entry of m.entries) {
    if (SERVICE_JOB_FIELDS.includes(entry.key)) continue;
    const at = childPath(field.path, entry.key);
    if (entry.key === 'onFailure') r.reportAt(entry.keyOffset, at, ON_FAILURE_ONLY_DEPLOY);
    else if (['endpoint', 'component', 'script', 'command', 'args', 'kubectl'].includes(entry.key)) {
      r.reportAt(entry.keyOffset, at, `"${entry.key}" is not allowed on a service job: it makes an HTTP call, it runs no container`);
    } else {
      const hint = closestName(entry.key, SERVICE_JOB_FIELDS);
      r.reportAt(entry.keyOffset, at, `unknown field "${entry.key}" on a service job${hint === undefined ? '' : `; did you mean "${hint}"?`}`);
    }
  }
  const nameField = m.get('name');
  const name = nameField === undefined ? undefined : readName(r, nameField);
  const titleField = m.get('title');
  const title = titleField === undefined ? undefined : r.text(titleField);
  const ifField = m.get('if');
  const condition = ifField === undefined ? undefined : readCondition(r, ifField);
  const timeoutField = m.get('timeout');
  const timeoutMs = (timeoutField === undefined ? undefined : readDuration(r, timeoutField)) ?? 0;
  const retriesField = m.get('retries');
  const retries: RetryPolicy = (retriesField === undefined ? undefined : readRetries(r, retriesField)) ?? { max: 0, backoffMs: DEFAULT_BACKOFF_MS, maxBackoffMs: DEFAULT_MAX_BACKOFF_MS };
  const allowField = m.get('allowFailure');
  const allowFailure = (allowField === undefined ? undefined : r.boolean(allowField)) ?? false;
  const outputs = readOutputs(r, m);
  const markField = m.get('deployment');
  const deployment = markField === undefined ? undefined : readDeploymentMark(r, markField, defaults.flowUri);

  const serviceField = m.get('service');
  if (serviceField === undefined) r.report(m.missing('service'), 'a service job needs "service": { url, method, headers, body, callback }');
  const service = serviceField === undefined ? undefined : readService(r, serviceField, timeoutMs);

  const spec: DraftJob['spec'] = {
    kind: 'service',
    ...(title === undefined ? {} : { title }),
    ...(service === undefined ? {} : { service }),
    inputs: {},
    // `env` in the service's expressions reads the flow's environments.
    environments: { ...defaults.environments },
    outputs,
    timeoutMs,
    retries,
    resources: {},
    allowFailure,
    workspace: false,
    ...(deployment === undefined ? {} : { deployment }),
    ...(condition === undefined ? {} : { if: condition }),
  };
  return { field, name, nameField, nameBase: undefined, spec, links: [] };
}

/** The `service:` block; `jobTimeoutMs` bounds the callback wait when set. */
function readService(r: YamlReader, field: Field, jobTimeoutMs: Millis): ServiceSpec | undefined {
  const m = r.map(field, SERVICE_FIELDS);
  if (m === undefined) return undefined;
  const urlField = m.get('url');
  let url: string | undefined;
  if (urlField === undefined) r.report(m.missing('url'), 'a service needs a "url" (http:// or https://)');
  else {
    url = r.string(urlField);
    const bad = url === undefined ? undefined : badUrl(url);
    if (bad !== undefined) r.report(urlField, bad);
  }

  let method = 'POST';
  const methodField = m.get('method');
  const methodText = methodField === undefined ? undefined : r.string(methodField);
  if (methodField !== undefined && methodText !== undefined) {
    if (METHODS.includes(methodText.toUpperCase())) method = methodText.toUpperCase();
    else r.report(methodField, `"${methodText}" is not an HTTP method; use one of ${METHODS.join(', ')}`);
  }

  const headers: Record<string, string> = {};
  const headersField = m.get('headers');
  for (const entry of headersField === undefined ? [] : (r.map(headersField)?.entries ?? [])) {
    if (!HEADER_NAME.test(entry.key)) {
      r.reportAt(entry.keyOffset, entry.field.path, `"${entry.key}" is not a valid HTTP header name`);
      continue;
    }
    if (entry.field.node !== null && !isScalar(entry.field.node)) {
      r.report(entry.field, `header values must be strings, got ${describe(entry.field.node)}`);
      continue;
    }
    const value = r.text(entry.field);
    if (value !== undefined) headers[entry.key] = value;
  }

  const bodyField = m.get('body');
  const body = bodyField === undefined ? undefined : r.string(bodyField);
  if (bodyField !== undefined && (method === 'GET' || method === 'HEAD')) r.report(bodyField, `a ${method} request has no body; use POST, PUT or PATCH`);

  const callbackField = m.get('callback');
  const callback = callbackField === undefined ? undefined : readCallback(r, callbackField, jobTimeoutMs);
  if (url === undefined) return undefined;
  return { url, method, headers, ...(body === undefined ? {} : { body }), ...(callback === undefined ? {} : { callback }) };
}

/**
 * `callback: true` or `callback: { timeout }`. The wait is the callback's
 * timeout, else the job's `timeout`, else one hour; the shorter of the two
 * when both are given.
 */
function readCallback(r: YamlReader, field: Field, jobTimeoutMs: Millis): ServiceCallback | undefined {
  let timeoutMs: Millis | undefined;
  if (isMap(field.node)) {
    const m = r.map(field, ['timeout']);
    const timeoutField = m?.get('timeout');
    if (timeoutField !== undefined) {
      timeoutMs = readDuration(r, timeoutField);
      if (timeoutMs === 0) {
        r.report(timeoutField, 'must be longer than 0: a callback that may never come needs a bound');
        timeoutMs = undefined;
      }
    }
  } else if (r.boolean(field) !== true) return undefined;
  const bounds = [timeoutMs, jobTimeoutMs > 0 ? jobTimeoutMs : undefined].filter((t): t is number => t !== undefined);
  return { timeoutMs: bounds.length === 0 ? DEFAULT_CALLBACK_TIMEOUT_MS : Math.min(...bounds) };
}

/**
 * Why a URL cannot be called, or undefined. Parts written as `${{ }}` are
 * known only at run time: the text around them must still form an http(s) URL.
 */
function badUrl(url: string): string | undefined {
  if (url.trimStart().startsWith('${{')) return undefined;
  const sample = url.replace(/\$\{\{[\s\S]*?\}\}/g, 'x');
  if (!/^https?:\/\//i.test(sample)) return `"${url}" is not an http:// or https:// URL`;
  try {
    const parsed = new URL(sample);
    if (parsed.hostname === '') return `"${url}" has no host`;
  } catch {
    return `"${url}" is not a valid URL`;
  }
  return undefined;
}
