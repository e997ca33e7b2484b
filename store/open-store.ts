/**
 * Chooses the store once, at start-up, from the configuration (as
 * worker/runner-factory.ts chooses the runner).
 */
import type { Store } from './store.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';

/** Where coflow keeps its data: the embedded SQLite file (one machine). */
export type StoreConfig = { readonly kind: 'sqlite'; readonly file: string };

export function openStore(config: StoreConfig): Promise<Store> {
  switch (config.kind) {
    case 'sqlite':
      return openSqliteStore(config.file);
  }
}
