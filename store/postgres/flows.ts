/**
 * Flows, their versions, run numbers and delivery claims in PostgreSQL.
 * Every claim is decided by the database (a primary key, `ON CONFLICT`, the
 * row lock an upsert takes), so processes on any number of machines agree.
 */
import type { FlowSpec } from '../../flow/model.ts';
import type { FlowStore, RunNumberStore, StoredFlow } from '../store.ts';
import type { Database, Queryable } from './database.ts';

interface FlowRow { uri: string; version: number; source: string; spec: string; created_at: Date }

function toFlow(row: FlowRow): StoredFlow {
  return { uri: row.uri, version: row.version, source: row.source, spec: JSON.parse(row.spec) as FlowSpec, createdAt: row.created_at.toISOString() };
}

const LATEST = 'SELECT * FROM flows WHERE uri = $1 ORDER BY version DESC LIMIT 1';
// The upsert locks the flow's counter row until commit: concurrent claims take turns.
const BUMP = 'INSERT INTO run_numbers (uri, last) VALUES ($1, 1) ON CONFLICT (uri) DO UPDATE SET last = run_numbers.last + 1 RETURNING last';

/**
 * The next version of a flow, unless its latest has this source. Two
 * processes applying at once both try version n+1: the primary key lets one
 * in, and the other reads again (READ COMMITTED: each statement sees what
 * committed before it) and finds the same source or a newer version.
 */
async function applyIn(tx: Queryable, spec: FlowSpec, source: string): Promise<{ flow: StoredFlow; created: boolean }> {
  for (;;) {
    const [latest] = await tx.query<FlowRow>(LATEST, [spec.uri]);
    if (latest !== undefined && latest.source === source) return { flow: toFlow(latest), created: false };
    const version = (latest?.version ?? 0) + 1;
    const createdAt = new Date().toISOString();
    const inserted = await tx.query(
      'INSERT INTO flows (uri, version, source, spec, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING version',
      [spec.uri, version, source, JSON.stringify(spec), createdAt],
    );
    if (inserted.length > 0) return { flow: { uri: spec.uri, version, source, spec, createdAt }, created: true };
  }
}

/**
 * A delivery's run number. A first claim bumps the counter (locking its row)
 * and inserts the delivery; a claim that lost the race to insert it rolls
 * back, so its bump burns no number, and reads the winner's.
 */
async function claimIn(tx: Queryable, uri: string, key: string): Promise<{ number: number; fresh: boolean }> {
  const known = await tx.query<{ number: number }>('SELECT number FROM deliveries WHERE uri = $1 AND key = $2', [uri, key]);
  if (known[0] !== undefined) return { number: known[0].number, fresh: false };
  await tx.query('SAVEPOINT claim');
  const [bumped] = await tx.query<{ last: number }>(BUMP, [uri]);
  const inserted = await tx.query('INSERT INTO deliveries (uri, key, number) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING number', [uri, key, bumped!.last]);
  if (inserted.length > 0) return { number: bumped!.last, fresh: true };
  await tx.query('ROLLBACK TO SAVEPOINT claim');
  const [winner] = await tx.query<{ number: number }>('SELECT number FROM deliveries WHERE uri = $1 AND key = $2', [uri, key]);
  return { number: winner!.number, fresh: false };
}

export function postgresFlows(db: Database): FlowStore & RunNumberStore {
  return {
    applyFlow: (spec, source) => db.transaction((tx) => applyIn(tx, spec, source)),
    async getFlow(uri, version) {
      const rows = version === undefined
        ? await db.query<FlowRow>(LATEST, [uri])
        : await db.query<FlowRow>('SELECT * FROM flows WHERE uri = $1 AND version = $2', [uri, version]);
      return rows[0] === undefined ? undefined : toFlow(rows[0]);
    },
    async listFlows() {
      const rows = await db.query<FlowRow>('SELECT DISTINCT ON (uri) * FROM flows ORDER BY uri, version DESC');
      return rows.map(toFlow);
    },
    async flowVersions(uri) {
      const rows = await db.query<{ version: number; created_at: Date }>('SELECT version, created_at FROM flows WHERE uri = $1 ORDER BY version', [uri]);
      return rows.map((r) => ({ version: r.version, createdAt: r.created_at.toISOString() }));
    },
    nextRunNumber: (uri) => db.transaction(async (tx) => (await tx.query<{ last: number }>(BUMP, [uri]))[0]!.last),
    claimRunNumber: (uri, key) => db.transaction((tx) => claimIn(tx, uri, key)),
  };
}
