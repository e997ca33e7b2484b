import { resolve } from 'node:path';

/** The repository's root directory. */
export const repoRoot = resolve(import.meta.dirname, '../..');
