/**
 * Deployment and incident records (issue 13): what coflow stores about
 * every deployment attempt and every incident, and how they are queried.
 * DORA metrics (contracts/dora.ts) are computed from these alone. Pure data.
 */
import type { DeployStrategyName } from '../flow/model.ts';

/**
 * `running` until it ends; `succeeded`; `failed`; `rolled back`: it was undone
 * by a rollback (automatic after it failed, or by hand later), the rollback
 * being another record whose `rollbackOf` names it.
 */
export const DEPLOYMENT_RESULTS = ['running', 'succeeded', 'failed', 'rolled back'] as const;
export type DeploymentResult = (typeof DEPLOYMENT_RESULTS)[number];

/**
 * How coflow knows of it: a `deploy` job it performed; a job marked
 * `deployment:` (it deployed by itself); a rollback (`onFailure: rollback`,
 * `coflow rollback`, the API).
 */
export const DEPLOYMENT_KINDS = ['deploy', 'marked', 'rollback'] as const;
export type DeploymentKind = (typeof DEPLOYMENT_KINDS)[number];

/** A commit a deployment shipped (for lead time): its sha and its committer time. */
export interface ShippedCommit {
  readonly sha: string;
  /** ISO 8601, the committer time (docs/dora.md says why). */
  readonly committedAt: string;
}

export interface DeploymentRecord {
  readonly id: number;
  readonly namespace: string;
  readonly environment: string;
  readonly application: string;
  readonly kind: DeploymentKind;
  /** The run and job that deployed (absent for a rollback by hand). */
  readonly flowUri?: string;
  readonly runId?: string;
  readonly jobPath?: string;
  readonly attempt?: number;
  readonly commit?: string;
  readonly branch?: string;
  /** `owner/name` of the repository the commit is in. */
  readonly repo?: string;
  /** Container images of the workloads deployed. */
  readonly images: readonly string[];
  /** Who caused it: who triggered the run, or who asked for the rollback. */
  readonly user?: string;
  readonly strategy?: DeployStrategyName;
  /**
   * The manifest as rendered for the environment, with `${{ secrets.NAME }}`
   * left as written (values never stored) and any other secret value masked.
   */
  readonly manifest?: string;
  /** `sha256:<hex>` of `manifest`. */
  readonly manifestDigest?: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly result: DeploymentResult;
  /** Why it failed (or how it was rolled back). */
  readonly reason?: string;
  /** The deployment this one undoes (rollbacks only). */
  readonly rollbackOf?: number;
  /** The deployment whose manifest this one re-applied (rollbacks only). */
  readonly restores?: number;
  /** The commits it shipped: those since the pair's previous successful deployment (may be empty). */
  readonly commits: readonly ShippedCommit[];
}

/** What starts a record; `key` makes the start idempotent (a retried activity finds its record). */
export type NewDeployment = Omit<DeploymentRecord, 'id' | 'finishedAt' | 'result' | 'reason' | 'commits'> & {
  readonly key: string;
  readonly commits?: readonly ShippedCommit[];
};

/** How a record ends. */
export interface DeploymentEnd {
  readonly result: Exclude<DeploymentResult, 'running'>;
  readonly finishedAt: string;
  readonly reason?: string;
  readonly manifest?: string;
  readonly manifestDigest?: string;
  readonly images?: readonly string[];
  readonly commits?: readonly ShippedCommit[];
}

export interface DeploymentQuery {
  readonly namespace?: string;
  readonly environment?: string;
  readonly application?: string;
  readonly flowUri?: string;
  /** Started at or after (ISO 8601). */
  readonly since?: string;
  /** Started before (ISO 8601). */
  readonly until?: string;
  /** Newest first; records with an id below this (paging). */
  readonly beforeId?: number;
  readonly limit?: number;
}

export const INCIDENT_SOURCES = ['api', 'alertmanager'] as const;
export type IncidentSource = (typeof INCIDENT_SOURCES)[number];

export interface IncidentRecord {
  readonly id: number;
  readonly namespace: string;
  readonly environment: string;
  readonly application?: string;
  /** The deployment that caused it, when known. */
  readonly deploymentId?: number;
  readonly title: string;
  readonly source: IncidentSource;
  /** Alertmanager: the alert's fingerprint (one open incident per fingerprint). */
  readonly externalKey?: string;
  readonly openedAt: string;
  readonly resolvedAt?: string;
  readonly openedBy?: string;
}

export type NewIncident = Omit<IncidentRecord, 'id' | 'resolvedAt'>;

export interface IncidentQuery {
  readonly namespace?: string;
  readonly environment?: string;
  /** Opened before `until` and not resolved before `since`. */
  readonly since?: string;
  readonly until?: string;
  readonly open?: boolean;
  readonly limit?: number;
}

/** One place in a pair's deployment queue (one deployment at a time per environment and application). */
export interface DeployTurn {
  /** Who waits or holds: `<runId>/<jobPath>/<attempt>`, or a rollback's workflow id. */
  readonly holder: string;
  /** The Temporal workflow of the holder: a turn whose workflow has ended is given up by the next in line. */
  readonly workflowId: string;
  readonly since: string;
}

/** The lock key of a pair. */
export function deployLockKey(namespace: string, environment: string, application: string): string {
  return `${namespace}/${environment}/${application}`;
}

/** Why `target` cannot be restored by a rollback, or undefined when it can. */
export function refuseRestore(target: DeploymentRecord | undefined, id: number): string | undefined {
  if (target === undefined) return `deployment ${id} does not exist`;
  if (target.manifest === undefined) return `deployment ${id} has no stored manifest (a job marked deployment: deploys by itself; roll it back by running that job again)`;
  // `rolled back` may have failed first (onFailure: rollback): only a deployment live as it stands is known good.
  if (target.result !== 'succeeded') return `deployment ${id} is ${target.result}, not succeeded: only a deployment that succeeded (and was not undone) can be restored`;
  return undefined;
}
