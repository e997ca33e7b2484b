/**
 * What the deployments pages read from the API (contracts/deployments.ts,
 * contracts/environments.ts), and how a record reads in a table. The list
 * answers are `{ deployments, next }`, `{ incidents }`, `{ environments }`; a
 * bare array is taken too. Pure, so it is unit-tested.
 */
import { refuseRestore, type DeploymentRecord, type IncidentRecord } from '../../../contracts/deployments.ts';
import type { EnvironmentTier } from '../../../contracts/environments.ts';

export const PAGE_SIZE = 50;

/** The list in an API answer under `key`, or the answer itself when it is a list. */
export function listOf<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  const inner = (body as Record<string, unknown> | null)?.[key];
  return Array.isArray(inner) ? (inner as T[]) : [];
}

/** The `before` of the next (older) page: the API's `next`, else the last id of a full page; undefined on the last page. */
export function nextOf(body: unknown, list: readonly { id: number }[], pageSize: number): number | undefined {
  const next = (body as { next?: unknown } | null)?.next;
  if (typeof next === 'number') return next;
  if (next === null) return undefined;
  return list.length >= pageSize ? list[list.length - 1]?.id : undefined;
}

/** The record in `GET /deployments/{id}`'s answer (the record, or `{ deployment }`). */
export function deploymentOf(body: unknown): DeploymentRecord | undefined {
  const b = body as { deployment?: DeploymentRecord; id?: number } | null;
  if (b?.deployment && typeof b.deployment.id === 'number') return b.deployment;
  return typeof b?.id === 'number' ? (b as DeploymentRecord) : undefined;
}

/** The id of the rollback a `POST /deployments/{id}/rollback` started (`{ id }`, `{ deploymentId }` or `{ deployment: { id } }`). */
export function startedIdOf(body: unknown): number | undefined {
  const b = body as { id?: unknown; deploymentId?: unknown; deployment?: { id?: unknown } } | null;
  for (const v of [b?.id, b?.deploymentId, b?.deployment?.id]) if (typeof v === 'number') return v;
  return undefined;
}

export interface EnvironmentChoice {
  readonly namespace: string;
  readonly name: string;
  readonly tier: EnvironmentTier;
}

interface StoredLike {
  readonly namespace?: string;
  readonly spec?: { readonly environments?: readonly { readonly name: string; readonly tier: EnvironmentTier }[] };
  readonly environments?: readonly { readonly name: string; readonly tier: EnvironmentTier }[];
}

/** Every declared environment of `GET /environments`' answer (stored environments files, or summaries with `environments`). */
export function environmentChoices(body: unknown): EnvironmentChoice[] {
  const out: EnvironmentChoice[] = [];
  for (const item of listOf<StoredLike>(body, 'environments')) {
    if (!item?.namespace) continue;
    for (const e of item.spec?.environments ?? item.environments ?? []) out.push({ namespace: item.namespace, name: e.name, tier: e.tier });
  }
  return out;
}

/** The namespaces in a list of choices, in order, each once. */
export const namespacesOf = (choices: readonly EnvironmentChoice[]): string[] => [...new Set(choices.map((c) => c.namespace))];

/** First 7 characters of a commit sha. */
export const shortSha = (sha?: string): string => (sha ? sha.slice(0, 7) : '');

/** The badge class of a result: `rolled back` has its own colour, distinct from failed. */
export const resultClass = (result: string): string => `result-${result.replace(/\s+/g, '-')}`;

/** Whether "Roll back to this" makes sense: the rollback API's own rule (contracts/deployments.ts), with its words. */
export function canRestore(d: DeploymentRecord): { ok: boolean; why?: string } {
  const why = refuseRestore(d, d.id);
  return why === undefined ? { ok: true } : { ok: false, why };
}

/** Open incidents first, then newest first. */
export function sortIncidents(list: readonly IncidentRecord[]): IncidentRecord[] {
  return [...list].sort((a, b) => (a.resolvedAt ? 1 : 0) - (b.resolvedAt ? 1 : 0) || b.openedAt.localeCompare(a.openedAt));
}
