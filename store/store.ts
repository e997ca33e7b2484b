/**
 * Everything coflow keeps outside Temporal, behind one asynchronous
 * interface: flows and their versions, run-number and delivery claims, job
 * logs, service-job callback tokens, stored secrets, signed-out sessions,
 * environments, deployment records and incidents. One implementation is
 * chosen at start-up by `openStore` (store/open-store.ts): the embedded
 * SQLite file for one machine; PostgreSQL for several servers. Every
 * implementation passes the shared suite in test/support/store-suite.ts.
 */
import type { FlowSpec } from '../flow/model.ts';
import type { LogLine, LogPage, LogQuery, StoredLogLine } from '../contracts/logs.ts';
import type { EnvironmentsSpec, StoredEnvironments } from '../contracts/environments.ts';
import type {
  DeploymentEnd,
  DeploymentQuery,
  DeploymentRecord,
  DeployTurn,
  IncidentQuery,
  IncidentRecord,
  NewDeployment,
  NewIncident,
} from '../contracts/deployments.ts';

export interface StoredFlow {
  readonly uri: string;
  readonly version: number;
  /** The YAML as applied. */
  readonly source: string;
  readonly spec: FlowSpec;
  readonly createdAt: string;
}

export interface FlowVersionInfo {
  readonly version: number;
  readonly createdAt: string;
}

export interface FlowStore {
  /** Stores a new version when the source differs from the latest; returns the latest version either way. */
  applyFlow(spec: FlowSpec, source: string): Promise<{ flow: StoredFlow; created: boolean }>;
  getFlow(uri: string, version?: number): Promise<StoredFlow | undefined>;
  /** The latest version of every flow, by uri. */
  listFlows(): Promise<StoredFlow[]>;
  /** Every version of a flow, oldest first (empty when the flow does not exist). */
  flowVersions(uri: string): Promise<FlowVersionInfo[]>;
}

export interface RunNumberStore {
  /** Allocates the next run number of a flow (1, 2, …); never the same twice, whoever asks. */
  nextRunNumber(uri: string): Promise<number>;
  /**
   * The run number of one delivery (a webhook delivery id, a schedule's action id):
   * allocated on the first claim, the same number on every later claim of that key.
   * A redelivery neither burns nor duplicates a number; `fresh` is true for the first claim only.
   */
  claimRunNumber(uri: string, key: string): Promise<{ number: number; fresh: boolean }>;
}

/** How a log follow waits for lines and learns that no more will come. */
export interface FollowOptions {
  /** True once the run ended: after one more read, the follow ends. */
  readonly ended: () => Promise<boolean>;
  /** Ends the follow (the reader went away). */
  readonly signal?: AbortSignal;
  /** How often to look for new lines (ms); default 250. */
  readonly pollMs?: number;
}

export interface LogStore {
  /**
   * Appends lines of one attempt, in order; `fromSeq` is the seq of the first
   * line. Lines already stored at those seqs are ignored, so a re-attached
   * attempt that delivers its log again stores nothing twice.
   */
  appendLogs(runId: string, jobPath: string, attempt: number, fromSeq: number, lines: readonly LogLine[]): Promise<void>;
  /** Number of lines stored for one attempt (the next seq is this + 1). */
  countLogs(runId: string, jobPath: string, attempt: number): Promise<number>;
  /** A page of a run's lines (or one job's) after a cursor, in the order they were stored. */
  readLogs(query: LogQuery): Promise<LogPage>;
  /** Every line after the query's cursor, then each new one as it is stored, until the run ended and all were read. */
  followLogs(query: Omit<LogQuery, 'limit'>, options: FollowOptions): AsyncIterable<StoredLogLine>;
}

/** Where a callback lands: the activity and the job attempt it completes. */
export interface CallbackTarget {
  readonly taskToken: Uint8Array;
  readonly runId: string;
  readonly jobPath: string;
  readonly attempt: number;
}

export type CallbackClaim =
  | { readonly status: 'claimed'; readonly target: CallbackTarget }
  /** The token was claimed before: a callback completes a job once. */
  | { readonly status: 'used' }
  | { readonly status: 'unknown' };

/**
 * Single-use callback tokens of `service` jobs. Only a token's SHA-256 is
 * kept (store/token-hash.ts), so the table alone cannot complete anything.
 */
export interface CallbackStore {
  /** Registers a fresh token; forgets tokens expired more than a day ago. */
  registerCallback(token: string, target: CallbackTarget, expiresAt: Date): Promise<void>;
  /** Claims a token once: the first caller gets its target, every later one `used`. */
  claimCallback(token: string): Promise<CallbackClaim>;
  /** Gives a claimed token back (completing the activity failed for a passing reason). */
  releaseCallback(token: string): Promise<void>;
  /** Forgets a token (its call failed: nothing will call back). */
  removeCallback(token: string): Promise<void>;
  /**
   * Points an unclaimed token, known by its hash (store/token-hash.ts), at a new
   * activity task token: the activity waiting for it was retried on another
   * worker. False when no unclaimed token has that hash.
   */
  retargetCallback(hash: string, taskToken: Uint8Array): Promise<boolean>;
}

/** A secret as the store keeps it: AES-256-GCM ciphertext made by store/secret-box.ts. */
export interface SealedSecret {
  readonly iv: Uint8Array;
  readonly data: Uint8Array;
  readonly tag: Uint8Array;
}

/** Stored secrets, sealed; store/secrets.ts encrypts and decrypts them. */
export interface SecretStore {
  putSecret(name: string, sealed: SealedSecret): Promise<void>;
  getSecret(name: string): Promise<SealedSecret | undefined>;
  /** False when there was no such secret. */
  deleteSecret(name: string): Promise<boolean>;
  listSecretNames(): Promise<string[]>;
}

/**
 * Signed-out web sessions (api/auth/sessions.ts). A session lives in its
 * signed cookie, not here; only its revocation is shared, so every API server
 * refuses a cookie once it was signed out on any of them.
 */
export interface SessionStore {
  /** Records that session `id` was signed out; kept until `expiresAt` (the cookie's own end). Forgets rows already past theirs. */
  revokeSession(id: string, expiresAt: Date): Promise<void>;
  isSessionRevoked(id: string): Promise<boolean>;
  /**
   * Records that every session of `user` signed in before `before` is signed
   * out; kept until `expiresAt` (when the last of them ends). A later call
   * moves `before` forward, never back.
   */
  revokeUserSessions(user: string, before: Date, expiresAt: Date): Promise<void>;
  /** The latest `before` recorded for `user`, if any is still kept. */
  userSessionsRevokedBefore(user: string): Promise<Date | undefined>;
}

/** Environments files, one per coflow namespace, with their versions (contracts/environments.ts). */
export interface EnvironmentStore {
  /** Stores a new version when the source differs from the latest; returns the latest either way. */
  applyEnvironments(spec: EnvironmentsSpec, source: string): Promise<{ stored: StoredEnvironments; created: boolean }>;
  getEnvironments(namespace: string): Promise<StoredEnvironments | undefined>;
  /** The latest version of every namespace's environments. */
  listEnvironments(): Promise<StoredEnvironments[]>;
}

/** Deployment records (contracts/deployments.ts) and the queue of each pair. */
export interface DeploymentStore {
  /** Starts a record (result `running`); a second call with the same `key` returns the first record unchanged. */
  startDeployment(d: NewDeployment): Promise<DeploymentRecord>;
  /**
   * Ends a record (only a `running` one: an ended record is returned unchanged).
   * A rollback that succeeds also marks the deployment its `rollbackOf` names `rolled back`, in the same transaction.
   */
  finishDeployment(id: number, end: DeploymentEnd): Promise<DeploymentRecord>;
  getDeployment(id: number): Promise<DeploymentRecord | undefined>;
  /** Newest first (by id). */
  listDeployments(q: DeploymentQuery): Promise<DeploymentRecord[]>;
  /** The newest `succeeded` deployment of a pair, optionally older than record `beforeId`. */
  lastSuccessfulDeployment(namespace: string, environment: string, application: string, beforeId?: number): Promise<DeploymentRecord | undefined>;
  /** Joins a pair's queue (idempotent per holder); returns the queue, first = the one that deploys now. */
  joinDeployQueue(key: string, turn: DeployTurn): Promise<DeployTurn[]>;
  /** Leaves the queue (done, or given up for a holder whose workflow ended); false when it was not in it. */
  leaveDeployQueue(key: string, holder: string): Promise<boolean>;
  deployQueue(key: string): Promise<DeployTurn[]>;
}

/** Incidents (contracts/deployments.ts), from the API and from Alertmanager. */
export interface IncidentStore {
  /** Opens one; with an `externalKey` already open in that namespace, returns that one instead. */
  openIncident(i: NewIncident): Promise<{ incident: IncidentRecord; created: boolean }>;
  /** Resolves an open incident (a resolved one is returned unchanged); undefined when there is none. */
  resolveIncident(id: number, resolvedAt: string): Promise<IncidentRecord | undefined>;
  /** Resolves the open incident of an external key, if any. */
  resolveIncidentByKey(namespace: string, externalKey: string, resolvedAt: string): Promise<IncidentRecord | undefined>;
  getIncident(id: number): Promise<IncidentRecord | undefined>;
  /** Newest first. */
  listIncidents(q: IncidentQuery): Promise<IncidentRecord[]>;
}

export type StoreKind = 'sqlite' | 'postgres';

export interface Store
  extends FlowStore, RunNumberStore, LogStore, CallbackStore, SecretStore, SessionStore, EnvironmentStore, DeploymentStore, IncidentStore {
  readonly kind: StoreKind;
  /** The schema version the store is at (its highest applied migration). */
  schemaVersion(): Promise<number>;
  /** Rejects when the store cannot be read (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
