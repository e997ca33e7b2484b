/**
 * Setup of the forge tier: what the integration tests have (Docker, the
 * images, a Temporal dev server, the workflow bundle) plus a real Gitea
 * (scripts/gitea.sh, built once from the Go module proxy) on loopback, on the
 * production fixture's PostgreSQL (scripts/postgres.sh, COFLOW_PG_PORT or
 * 55432; Gitea gets its own `gitea` database there, recreated on each start),
 * with an admin user and token the test files get as `gitea`. A PostgreSQL
 * server this setup started is stopped after the run; Gitea always is.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createAdmin, giteaScript, type GiteaServer } from '../support/gitea.ts';
import { repoRoot } from '../support/paths.ts';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    gitea: GiteaServer;
  }
}

const pgPort = process.env.COFLOW_PG_PORT ?? '55432';
const giteaPort = process.env.COFLOW_GITEA_PORT ?? '53000';
let env: TestEnvironment | undefined;
let pgStartedHere = false;
let giteaStarted = false;

function postgres(cmd: string): string {
  return execFileSync('bash', [join(repoRoot, 'scripts/postgres.sh'), cmd, pgPort], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

export async function setup(project: TestProject): Promise<void> {
  try {
    postgres('status');
  } catch {
    pgStartedHere = true;
  }
  postgres('start');
  const t0 = Date.now();
  const url = giteaScript('start', giteaPort);
  giteaStarted = true;
  project.provide('gitea', createAdmin(url, giteaPort));
  console.log(`coflow forge tests: Gitea ready at ${url} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  env = await startTestEnvironment(project, 'forge');
}

export async function teardown(): Promise<void> {
  await env?.stop();
  if (giteaStarted) giteaScript('stop', giteaPort);
  if (pgStartedHere) postgres('stop');
}
