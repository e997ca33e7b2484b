/**
 * Registers coflow's run search attributes on the namespace at start-up,
 * through the operator service (the dev server's `--search-attribute` flag
 * applies only when its database is created). Idempotent: only the missing
 * ones are added.
 */
import type { Connection } from '@temporalio/client';
import { RUN_SEARCH_ATTRIBUTES } from '../contracts/search-attributes.ts';

/** temporal.api.enums.v1.IndexedValueType */
const INDEXED_VALUE_TYPE = { KEYWORD: 2, INT: 3 } as const;

export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = Object.values(RUN_SEARCH_ATTRIBUTES).filter((a) => !known.has(a.name));
  if (missing.length === 0) return;
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
  const deadline = Date.now() + 30_000;
  for (;;) {
    const now = await connection.operatorService.listSearchAttributes({ namespace });
    if (missing.every((a) => a.name in (now.customAttributes ?? {}))) return;
    if (Date.now() > deadline) throw new Error(`search attributes ${missing.map((a) => a.name).join(', ')} did not appear on namespace ${namespace}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
