/**
 * The schema rules every store backend follows, written once.
 *
 * The schema moves in numbered steps, the same numbers and names on every
 * backend (each writes its own SQL for a step: store/sqlite/migrations.ts,
 * store/postgres/migrations.ts). Steps are expand/contract: a step that only
 * adds (a table, a column with a default, an index) keeps the previous
 * release running on the new schema during a rolling upgrade; a step that
 * drops or changes what older code uses is a contract step and says so by
 * raising `oldestCode`. Each applied step is recorded in `schema_version`
 * with its `oldestCode`, so that code older than the step can judge a schema
 * it has never seen.
 *
 * A process runs on a schema when the schema is at least the version it
 * knows (else: `coflow migrate`), and, when newer, every step beyond was
 * written for code as old as it (else: upgrade coflow). Never edit a
 * released step; add the next one.
 */
import { SchemaTooNewError, SchemaTooOldError } from './errors.ts';

/** One step of the schema, as every backend records it. */
export interface SchemaStep {
  readonly version: number;
  readonly name: string;
  /**
   * The oldest coflow, by the schema version it knows, that still runs on a
   * schema with this step applied. An expand step keeps it where it was (at
   * most the previous version, so the release before keeps running); a
   * contract step raises it to the first version that no longer uses what
   * the step drops or changes. Never lower than the step before's.
   */
  readonly oldestCode: number;
}

export const SCHEMA_STEPS: readonly SchemaStep[] = [
  { version: 1, name: 'flows, run numbers, deliveries, logs, callbacks, secrets', oldestCode: 1 },
  { version: 2, name: 'logs of one job in cursor order', oldestCode: 1 },
  { version: 3, name: 'revoked sessions', oldestCode: 1 },
  { version: 4, name: 'environments, deployments and their queue, incidents', oldestCode: 1 },
];

/** The schema version this build of coflow knows and needs. */
export const KNOWN_SCHEMA_VERSION = SCHEMA_STEPS.at(-1)?.version ?? 0;

/** A step with one backend's SQL for it. */
export interface Migration extends SchemaStep {
  readonly sql: string;
}

/** What a store's `schema_version` table says: its highest step, and the oldest code any applied step allows. */
export interface SchemaState {
  readonly version: number;
  readonly oldestCode: number;
}

/**
 * Joins one backend's SQL to the shared steps. Throws when the backend lacks
 * a step or has SQL for a step that does not exist, so a backend cannot fall
 * behind the other unnoticed.
 */
export function migrationsFor(backend: string, sql: Readonly<Record<number, string>>, steps = SCHEMA_STEPS): readonly Migration[] {
  checkSteps(steps);
  const extra = Object.keys(sql).map(Number).filter((v) => !steps.some((s) => s.version === v));
  if (extra.length > 0) throw new Error(`${backend} migrations: SQL for unknown schema step(s) ${extra.join(', ')}`);
  return steps.map((step) => {
    const text = sql[step.version];
    if (text === undefined) throw new Error(`${backend} migrations: no SQL for schema step ${step.version} (${step.name})`);
    return { ...step, sql: text };
  });
}

/** Steps are numbered 1, 2, … and none lets code newer than itself be the oldest that runs on it. */
function checkSteps(steps: readonly SchemaStep[]): void {
  steps.forEach((step, i) => {
    if (step.version !== i + 1) throw new Error(`schema step ${i + 1} is numbered ${step.version}`);
    if (step.oldestCode < 1 || step.oldestCode > step.version) throw new Error(`schema step ${step.version}: oldestCode must be 1..${step.version}`);
    const before = steps[i - 1];
    if (before !== undefined && step.oldestCode < before.oldestCode) {
      throw new Error(`schema step ${step.version}: oldestCode ${step.oldestCode} is below step ${before.version}'s ${before.oldestCode}`);
    }
  });
}

/** The steps a store at `current` still lacks, in order. */
export function pendingMigrations(migrations: readonly Migration[], current: number): readonly Migration[] {
  return migrations.filter((m) => m.version > current);
}

/**
 * Throws unless code that knows schema `known` can run on `state`: the typed
 * error says what to do (`coflow migrate`, or upgrade coflow). `where` names
 * the store in the message (a file, a database URL without its password).
 */
export function checkSchema(where: string, state: SchemaState, known = KNOWN_SCHEMA_VERSION): void {
  if (state.version < known) throw new SchemaTooOldError(where, state.version, known);
  if (state.version > known && state.oldestCode > known) throw new SchemaTooNewError(where, state.version, known, state.oldestCode);
}

/** What a migration did: the version before and after, and the steps it applied. */
export interface MigrationReport {
  readonly from: number;
  readonly to: number;
  readonly applied: readonly SchemaStep[];
}
