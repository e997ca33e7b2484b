/**
 * Setup of the production tier: PostgreSQL (Debian's, started by
 * scripts/postgres.sh on a loopback port: COFLOW_PG_PORT or 55432), whose
 * URL the test files get as `postgresUrl`. Each file makes its own database
 * there (test/production/support/postgres.ts). A server this setup started
 * is stopped after the run; one that was already running is left running.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { repoRoot } from '../support/paths.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The `coflow` database of the tier's PostgreSQL server; its superuser may create databases. */
    postgresUrl: string;
  }
}

const script = join(repoRoot, 'scripts/postgres.sh');
const port = process.env.COFLOW_PG_PORT ?? '55432';
let startedHere = false;

function postgres(...args: string[]): string {
  return execFileSync('bash', [script, ...args, port], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

export function setup(project: TestProject): void {
  try {
    postgres('status');
  } catch {
    startedHere = true;
  }
  project.provide('postgresUrl', postgres('start'));
}

export function teardown(): void {
  if (startedHere) postgres('stop');
}
