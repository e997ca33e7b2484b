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
 * A delivery's run number in one statement: the delivery as recorded, else a
 * bump of the flow's counter (which locks its row until commit) and the
 * delivery inserted with that number. One round trip inside the transaction
 * keeps the counter's row locked only for the statement's tail and COMMIT,
 * so concurrent claims of one flow take shorter turns. `known` and `claimed`
 * both empty: another claim inserted the same delivery after this
 * statement's snapshot — this one bumped the counter for nothing and must
 * roll back (LostClaimRace), so that no number is burnt.
 */
const CLAIM = `WITH known AS (SELECT number FROM deliveries WHERE uri = $1 AND key = $2),
bumped AS (
  INSERT INTO run_numbers (uri, last) SELECT $1, 1 WHERE NOT EXISTS (SELECT 1 FROM known)
  ON CONFLICT (uri) DO UPDATE SET last = run_numbers.last + 1 RETURNING last),
claimed AS (INSERT INTO deliveries (uri, key, number) SELECT $1, $2, last FROM bumped ON CONFLICT DO NOTHING RETURNING number)
SELECT (SELECT number FROM known) AS known, (SELECT number FROM claimed) AS claimed`;

/** A claim that lost the race to record its delivery: rolled back, the winner's number is read instead. */
class LostClaimRace extends Error {}

async function claimIn(tx: Queryable, uri: string, key: string): Promise<{ number: number; fresh: boolean }> {
  const [row] = await tx.query<{ known: number | null; claimed: number | null }>(CLAIM, [uri, key]);
  if (typeof row?.known === 'number') return { number: row.known, fresh: false };
  if (typeof row?.claimed === 'number') return { number: row.claimed, fresh: true };
  throw new LostClaimRace();
}

async function claim(db: Database, uri: string, key: string): Promise<{ number: number; fresh: boolean }> {
  try {
    return await db.transaction((tx) => claimIn(tx, uri, key));
  } catch (err) {
    if (!(err instanceof LostClaimRace)) throw err;
  }
  const [winner] = await db.query<{ number: number }>('SELECT number FROM deliveries WHERE uri = $1 AND key = $2', [uri, key]);
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
    claimRunNumber: (uri, key) => claim(db, uri, key),
  };
}
