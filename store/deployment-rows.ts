/**
 * Rows of the environments, deployments, deploy_queue and incidents tables
 * (schema step 4) as both backends read them, and the records they become.
 * SQLite gives times as ISO text and lists as JSON text; PostgreSQL gives
 * Date and parsed jsonb: the mapping takes either.
 */
import type { EnvironmentsSpec, StoredEnvironments } from '../contracts/environments.ts';
import type { DeploymentQuery, DeploymentRecord, DeployTurn, IncidentQuery, IncidentRecord, ShippedCommit } from '../contracts/deployments.ts';

/** Records a list returns when the query names no limit, and the most it ever returns. */
export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 500;

/** The limit a list query asks for, within 1..MAX_LIST_LIMIT. */
export function listLimit(q: { readonly limit?: number }): number {
  const asked = q.limit ?? DEFAULT_LIST_LIMIT;
  return Math.max(1, Math.min(MAX_LIST_LIMIT, Math.floor(asked)));
}

/** A time as stored: ISO 8601 UTC (SQLite compares them as text). Throws on a value that is no time. */
export function isoTime(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`not a time: ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}

type Time = string | Date;
type Json<T> = string | T;

function time(v: Time): string {
  return typeof v === 'string' ? v : v.toISOString();
}
function optTime(v: Time | null): string | undefined {
  return v === null ? undefined : time(v);
}
function json<T>(v: Json<T>): T {
  return typeof v === 'string' ? (JSON.parse(v) as T) : v;
}
/** The row's value, or nothing when it is NULL (records leave absent fields out). */
function opt<T>(v: T | null): T | undefined {
  return v ?? undefined;
}

export interface EnvironmentsRow { namespace: string; version: number; source: string; spec: string; created_at: Time }

export function toEnvironments(row: EnvironmentsRow): StoredEnvironments {
  return { namespace: row.namespace, version: row.version, source: row.source, spec: JSON.parse(row.spec) as EnvironmentsSpec, createdAt: time(row.created_at) };
}

export interface DeploymentRow {
  id: number; key: string; namespace: string; environment: string; application: string; kind: DeploymentRecord['kind'];
  flow_uri: string | null; run_id: string | null; job_path: string | null; attempt: number | null;
  commit_sha: string | null; branch: string | null; repo: string | null; images: Json<string[]>; user_name: string | null;
  strategy: DeploymentRecord['strategy'] | null; manifest: string | null; manifest_digest: string | null;
  started_at: Time; finished_at: Time | null; result: DeploymentRecord['result']; reason: string | null;
  rollback_of: number | null; restores: number | null; commits: Json<ShippedCommit[]>;
}

export function toDeployment(row: DeploymentRow): DeploymentRecord {
  const record: Record<string, unknown> = {
    id: row.id, namespace: row.namespace, environment: row.environment, application: row.application, kind: row.kind,
    flowUri: opt(row.flow_uri), runId: opt(row.run_id), jobPath: opt(row.job_path), attempt: opt(row.attempt),
    commit: opt(row.commit_sha), branch: opt(row.branch), repo: opt(row.repo), images: json(row.images), user: opt(row.user_name),
    strategy: opt(row.strategy), manifest: opt(row.manifest), manifestDigest: opt(row.manifest_digest),
    startedAt: time(row.started_at), finishedAt: optTime(row.finished_at), result: row.result, reason: opt(row.reason),
    rollbackOf: opt(row.rollback_of), restores: opt(row.restores), commits: json(row.commits),
  };
  for (const k of Object.keys(record)) if (record[k] === undefined) delete record[k];
  return record as unknown as DeploymentRecord;
}

export interface TurnRow { holder: string; workflow_id: string; since: Time }

export function toTurn(row: TurnRow): DeployTurn {
  return { holder: row.holder, workflowId: row.workflow_id, since: time(row.since) };
}

export interface IncidentRow {
  id: number; namespace: string; environment: string; application: string | null; deployment_id: number | null;
  title: string; source: IncidentRecord['source']; external_key: string | null; opened_at: Time; resolved_at: Time | null; opened_by: string | null;
}

export function toIncident(row: IncidentRow): IncidentRecord {
  const record: Record<string, unknown> = {
    id: row.id, namespace: row.namespace, environment: row.environment, application: opt(row.application),
    deploymentId: opt(row.deployment_id), title: row.title, source: row.source, externalKey: opt(row.external_key),
    openedAt: time(row.opened_at), resolvedAt: optTime(row.resolved_at), openedBy: opt(row.opened_by),
  };
  for (const k of Object.keys(record)) if (record[k] === undefined) delete record[k];
  return record as unknown as IncidentRecord;
}

/** A WHERE clause and its parameters, with placeholders made by `mark` (`?` or `$n`). */
export interface Filter {
  readonly where: string;
  readonly params: unknown[];
}

type Mark = (index: number) => string;

function build(parts: [string, unknown][], mark: Mark, extra: string[] = []): Filter {
  const params: unknown[] = [];
  const clauses = parts.filter(([, v]) => v !== undefined).map(([sql, v]) => {
    params.push(v);
    return sql.replace('?', mark(params.length));
  });
  const all = [...clauses, ...extra];
  return { where: all.length === 0 ? '' : `WHERE ${all.join(' AND ')}`, params };
}

/** The filter of a deployment list: started in [since, until), below `beforeId`. */
export function deploymentFilter(q: DeploymentQuery, mark: Mark): Filter {
  return build([
    ['namespace = ?', q.namespace], ['environment = ?', q.environment], ['application = ?', q.application],
    ['flow_uri = ?', q.flowUri], ['started_at >= ?', q.since && isoTime(q.since)], ['started_at < ?', q.until && isoTime(q.until)],
    ['id < ?', q.beforeId],
  ], mark);
}

/** The filter of an incident list: opened before `until`, not resolved before `since`, open or resolved. */
export function incidentFilter(q: IncidentQuery, mark: Mark): Filter {
  const open = q.open === undefined ? [] : [q.open ? 'resolved_at IS NULL' : 'resolved_at IS NOT NULL'];
  return build([
    ['namespace = ?', q.namespace], ['environment = ?', q.environment],
    ['opened_at < ?', q.until && isoTime(q.until)], ['(resolved_at IS NULL OR resolved_at >= ?)', q.since && isoTime(q.since)],
  ], mark, open);
}
