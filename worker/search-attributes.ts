/**
 * Registers coflow's run search attributes on the namespace at start-up,
 * through the operator service (the dev server's `--search-attribute` flag
 * applies only when its database is created). Idempotent: only the missing
 * ones are added. Returns once the server can use them: a server with SQL
 * visibility maps a new attribute to its column only when its namespace cache
 * refreshes, and until then starts and queries naming it fail.
 */
import type { Connection } from '@temporalio/client';
import { RUN_SEARCH_ATTRIBUTES } from '../contracts/search-attributes.ts';

/** temporal.api.enums.v1.IndexedValueType */
const INDEXED_VALUE_TYPE = { KEYWORD: 2, INT: 3 } as const;

/** How long a server may take to list and then map new attributes (a namespace cache refresh is ~10 s by default). */
const SETTLE_MS = 60_000;

export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = Object.values(RUN_SEARCH_ATTRIBUTES).filter((a) => !known.has(a.name));
  if (missing.length > 0) await addSearchAttributes(connection, namespace, missing);
  await untilUsable(connection, namespace);
}

async function addSearchAttributes(connection: Connection, namespace: string, missing: readonly { name: string; type: 'KEYWORD' | 'INT' }[]): Promise<void> {
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((a) => [a.name, INDEXED_VALUE_TYPE[a.type]])),
    });
  } catch (err) {
    // Another process added them between our read and our write.
    if ((err as { code?: number }).code !== 6 /* ALREADY_EXISTS */) throw err;
  }
  // Visibility learns of new attributes asynchronously: wait until they are listed.
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const now = await connection.operatorService.listSearchAttributes({ namespace });
    if (missing.every((a) => a.name in (now.customAttributes ?? {}))) return;
    if (Date.now() > deadline) throw new Error(`search attributes ${missing.map((a) => a.name).join(', ')} did not appear on namespace ${namespace}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits until a query naming every attribute is accepted: from then on, runs can carry them. */
async function untilUsable(connection: Connection, namespace: string): Promise<void> {
  const query = Object.values(RUN_SEARCH_ATTRIBUTES).map((a) => (a.type === 'INT' ? `${a.name} >= 0` : `${a.name} = ''`)).join(' AND ');
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    try {
      await connection.workflowService.countWorkflowExecutions({ namespace, query });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`the search attributes of namespace ${namespace} are not usable after ${SETTLE_MS / 1000} s: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
